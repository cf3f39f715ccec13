import { appendFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A daily log file in `<dataDir>/logs`, shared by every Hearth process (each line names its process and pid).
 * It holds warnings, errors and crashes: error messages and stacks, never chat text or prompts, so a user can
 * send it with a bug report. Writes are synchronous so the line of a crash is on disk before the process exits.
 */
export interface LogOptions {
  dir: string;
  /** Which process writes: 'main', 'headless', 'inference'. */
  processName: string;
  /** Days of files kept, today included. */
  keepDays?: number;
  now?: () => number;
}

const FILE_NAME = /^hearth-(\d{4}-\d{2}-\d{2})\.log$/;
const DAY_MS = 86_400_000;
const MAX_ENTRY_CHARS = 16_000;
/** The inference process inherits the environment from main (fork and utilityProcess both do): this tells it where to log. */
const DIR_ENV = 'HEARTH_LOG_DIR';

const pad = (n: number): string => String(n).padStart(2, '0');
/** Local date: a person looks for today's file in their own time zone. */
const dayOf = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

/** The stack (or message) of an error; only the type of anything else, which could hold chat data. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  if (typeof error === 'string' || typeof error === 'number' || typeof error === 'boolean') return String(error);
  return `a thrown ${error === null ? 'null' : typeof error} that is not an Error`;
}

export class LogFile {
  private day = '';
  private readonly now: () => number;

  constructor(private readonly o: LogOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Where today's entries go. */
  path(): string {
    return join(this.o.dir, `hearth-${dayOf(this.now())}.log`);
  }

  warn(message: string, error?: unknown): void {
    this.write('warn', message, error);
  }
  error(message: string, error?: unknown): void {
    this.write('error', message, error);
  }

  private write(level: string, message: string, error: unknown): void {
    const now = this.now();
    // A log must never take the app down with it: a full disk or a read-only folder loses the line, nothing else.
    try {
      if (dayOf(now) !== this.day) this.rotate(now);
      const text = error === undefined ? message : `${message}: ${describeError(error)}`;
      appendFileSync(
        this.path(),
        `${new Date(now).toISOString()} ${level} [${this.o.processName} ${process.pid}] ${text.slice(0, MAX_ENTRY_CHARS)}\n`,
      );
    } catch {
      // nothing better to do
    }
  }

  /** On the first line of each day: removes the files older than `keepDays`. */
  private rotate(now: number): void {
    this.day = dayOf(now);
    mkdirSync(this.o.dir, { recursive: true });
    const oldestKept = dayOf(now - ((this.o.keepDays ?? 7) - 1) * DAY_MS);
    for (const name of readdirSync(this.o.dir)) {
      const day = FILE_NAME.exec(name)?.[1];
      if (day && day < oldestKept) rmSync(join(this.o.dir, name), { force: true });
    }
  }
}

let current: LogFile | null = null;

/** Starts this process's log, and tells the processes it starts where the log is. */
export function startLog(o: LogOptions): LogFile {
  current = new LogFile(o);
  process.env[DIR_ENV] = o.dir;
  return current;
}

export function logWarn(message: string, error?: unknown): void {
  current?.warn(message, error);
}
export function logError(message: string, error?: unknown): void {
  current?.error(message, error);
}

/**
 * Logs uncaught exceptions (then exits, as Node would: the process is in an unknown state), unhandled promise
 * rejections (then goes on) and Node's warnings. Still prints the stack to stderr, which the inference host keeps
 * as the reason a crashed process gives.
 */
export function installCrashHandlers(exit: (code: number) => void = (code) => process.exit(code)): void {
  process.on('uncaughtException', (error) => {
    logError('uncaught exception', error);
    process.stderr.write(`${describeError(error)}\n`);
    exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logError('unhandled promise rejection', reason);
    process.stderr.write(`unhandled promise rejection: ${describeError(reason)}\n`);
  });
  process.on('warning', (warning) => logWarn('node warning', warning));
}

/** For the inference process: logs into main's folder (when main gave one) and installs the crash handlers. */
export function startWorkerLog(): void {
  const dir = process.env[DIR_ENV];
  if (dir) startLog({ dir, processName: 'inference' });
  installCrashHandlers();
}
