import { AppError } from '../../../shared/errors';
import type { InferenceHost } from '../../inference/host';
import type { ChatTurn } from '../../inference/protocol';
import type { Scheduler } from '../../scheduler/scheduler';

/** Counts a prompt the way the chat model that will answer it counts it. */
export interface ChatGauge {
  /**
   * The tokens these turns take in the chat template, and the context's size. `exact` is false when no chat
   * model is loaded (or another one is about to answer): then both are estimates.
   */
  measure(turns: ChatTurn[], signal?: AbortSignal): Promise<Measured>;
  /** Each text's tokens in the same tokenizer (estimated alongside `measure`). */
  count(texts: string[], signal?: AbortSignal): Promise<number[]>;
}

export interface Measured {
  tokens: number;
  contextSize: number;
  exact: boolean;
}

/** What the gauge needs of the engine: what the chat slot holds, the model the next answer runs on, the quick jobs. */
export interface GaugeEngine {
  host: Pick<InferenceHost, 'loaded'>;
  scheduler: Pick<Scheduler, 'run' | 'chatModel'>;
  /** The context to budget for when the chat model is not loaded yet (the context-size setting, or a default). */
  fallbackContext: () => number;
}

/**
 * With no chat model loaded nothing can count exactly (the answer loads the model). A token per three characters
 * over-counts English (about four to a token), so estimated passages stay inside `fallbackContext()`.
 */
const CHARS_PER_TOKEN = 3;
const TURN_OVERHEAD = 8;

export const estimateTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

/**
 * The chat gauge on the engine: the `measure` and `tokenize` jobs of the loaded chat model (the context meter's
 * own counts), and an estimate against `fallbackContext()` tokens when the model that will answer is not loaded.
 * Counting never loads a model, as the context meter never does.
 */
export function engineGauge({ host, scheduler, fallbackContext }: GaugeEngine): ChatGauge {
  const ready = (): boolean => {
    const loaded = host.loaded('chat');
    return loaded !== null && loaded.path === (scheduler.chatModel ?? loaded.path);
  };
  // The model may go away between the check and the count (an unload, a crash): the estimate takes over.
  const orEstimate = async <T>(exact: () => Promise<T>, estimate: () => T): Promise<T> => {
    if (!ready()) return estimate();
    try {
      return await exact();
    } catch (error) {
      if (error instanceof AppError && (error.code === 'NO_MODEL' || error.code === 'ENGINE_CRASHED')) return estimate();
      throw error;
    }
  };
  return {
    measure: (turns, signal) =>
      orEstimate(
        async (): Promise<Measured> => {
          const m = await scheduler.run('measure', { turns, draft: '' }, signal);
          return { tokens: m.total, contextSize: m.contextSize, exact: true };
        },
        (): Measured => ({
          tokens: turns.reduce((sum, t) => sum + estimateTokens(t.content) + TURN_OVERHEAD, 0),
          contextSize: fallbackContext(),
          exact: false,
        }),
      ),
    count: (texts, signal) =>
      orEstimate(
        () => Promise.all(texts.map(async (text) => (await scheduler.run('tokenize', { slot: 'chat', text }, signal)).count)),
        () => texts.map(estimateTokens),
      ),
  };
}
