import type { ChatTurn, GenerateOptions, GenerateResult } from '../inference/protocol';
import type { Scheduler } from '../scheduler/scheduler';

export interface ChatCall {
  /** The conversation, so the engine can keep it on the sequence that holds its history. */
  conversationId: string;
  signal: AbortSignal;
  onText: (text: string) => void;
  onThought?: (text: string) => void;
  /** How many answers are ahead while this one waits; 0 when it starts. */
  onQueue?: (ahead: number) => void;
}

/**
 * What the answer runner writes answers with. The local engine now; a remote OpenAI-compatible endpoint
 * implements the same interface, so a conversation does not care where its answer runs.
 */
export interface ChatBackend {
  readonly kind: 'local' | 'remote';
  generate(turns: ChatTurn[], options: GenerateOptions, call: ChatCall): Promise<GenerateResult>;
}

/**
 * The local engine, through the scheduler at the priority of an answer the user is waiting for: on the picked model,
 * or on `model` (a path: run elsewhere, compare). The scheduler's switch policy does the rest for a named model:
 * the job waits until the chat slot drains, then the model is switched, so two local models compared run one after
 * the other rather than failing over the slot.
 */
export class LocalChatBackend implements ChatBackend {
  readonly kind = 'local' as const;

  constructor(
    private readonly scheduler: Pick<Scheduler, 'generate'>,
    private readonly client = 'ui',
    private readonly model?: string,
  ) {}

  generate(turns: ChatTurn[], options: GenerateOptions, call: ChatCall): Promise<GenerateResult> {
    return this.scheduler.generate({
      client: this.client,
      priority: 'interactive',
      ...(this.model ? { model: this.model } : {}),
      signal: call.signal,
      input: { sequenceKey: call.conversationId, turns, options },
      onEvent: (e) => (e.kind === 'text' ? call.onText(e.text) : call.onThought?.(e.text)),
      ...(call.onQueue ? { onQueue: call.onQueue } : {}),
    });
  }
}
