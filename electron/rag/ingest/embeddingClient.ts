import type { Scheduler } from '../../scheduler/scheduler';

/** Text the tokenizer is asked about, at most: enough to learn a document's tokens-per-character. */
const CALIBRATION_CHARS = 100_000;

/**
 * Ingestion's way to the engine: embedding at background priority through the scheduler (answers take the engine
 * back between batches), and token counts from the embedding model's own tokenizer.
 */
export class EmbeddingClient {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly client: string,
  ) {}

  embed(model: string, texts: string[], signal: AbortSignal, onProgress?: (done: number) => void): Promise<number[][]> {
    return this.scheduler
      .embed({ client: this.client, priority: 'background', model, texts, signal, ...(onProgress ? { onProgress } : {}) })
      .then((r) => r.vectors);
  }

  /** Loads the model into the embedding slot (through one tiny job) and says how many dimensions its vectors have. */
  async dimensions(model: string, signal: AbortSignal): Promise<number> {
    const [vector] = await this.embed(model, ['dimensions'], signal);
    return vector?.length ?? 0;
  }

  /**
   * A token counter for one document. The chunker counts many candidate passages synchronously, and a round trip
   * to the inference process per passage would cost more than the embedding, so the model's tokenizer counts the
   * document (its first 100,000 characters) once and the estimate is scaled by what it found. Where the model is
   * not in its slot right now, the estimate alone counts.
   */
  async counter(text: string, estimate: (text: string) => number, signal: AbortSignal): Promise<(text: string) => number> {
    const sample = text.length > CALIBRATION_CHARS ? text.slice(0, CALIBRATION_CHARS) : text;
    const estimated = estimate(sample);
    if (estimated <= 0) return estimate;
    try {
      const { count } = await this.scheduler.run('tokenize', { slot: 'embedding', text: sample }, signal);
      const ratio = count / estimated;
      if (!(ratio > 0)) return estimate;
      return (t) => Math.ceil(estimate(t) * ratio);
    } catch {
      signal.throwIfAborted();
      return estimate;
    }
  }
}
