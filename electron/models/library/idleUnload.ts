import type { Scheduler } from '../../scheduler/scheduler';

export interface IdleUnloadOptions {
  scheduler: Scheduler;
  /** settings.idleUnloadMinutes, read each time the timer is set (0: never). */
  minutes: () => number;
  /** How long a minute is: tests shorten it, so the real setting is what they exercise. */
  minuteMs?: number;
}

/**
 * Unloads the chat model after `idleUnloadMinutes` without an answer, to give its memory back to the machine.
 * The selection stays, so the next answer loads it again. Every start or end of chat work (an answer, a load)
 * sets the timer again from then, and it fires only if the slot is still idle.
 */
export class IdleUnloader {
  private timer: NodeJS.Timeout | null = null;
  private readonly minuteMs: number;
  private readonly stopListening: () => void;
  private disposed = false;

  constructor(private readonly o: IdleUnloadOptions) {
    this.minuteMs = o.minuteMs ?? 60_000;
    this.stopListening = o.scheduler.onActivity((slot) => {
      if (slot === 'chat') this.arm();
    });
  }

  /** Starts the wait again from now (or stops it, when the setting is 0 or the slot is busy or empty). */
  arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const minutes = this.o.minutes();
    if (this.disposed || minutes <= 0 || !this.o.scheduler.isIdle('chat')) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.o.scheduler.unloadIfIdle('chat').catch(() => undefined);
    }, minutes * this.minuteMs);
    // The timer must not keep a headless server (or a test) alive on its own.
    this.timer.unref?.();
  }

  dispose(): void {
    this.disposed = true;
    this.stopListening();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
