import type { GenerateResult, StopReason } from '../../inference/protocol';
import { badRequest } from './errors';

/** The sampling fields both text endpoints take. */
export interface SamplingFields {
  temperature?: number | null | undefined;
  top_p?: number | null | undefined;
  seed?: number | null | undefined;
  stop?: string | string[] | null | undefined;
  n?: number | null | undefined;
  frequency_penalty?: number | null | undefined;
  presence_penalty?: number | null | undefined;
  logit_bias?: Record<string, number> | null | undefined;
}

/**
 * The engine's sampling options for a request. Left out, temperature and top_p are OpenAI's defaults (1 and 1),
 * not Hearth's chat settings: an API client expects the API's behaviour. Fields the engine cannot honour are
 * refused in words rather than ignored.
 */
export function samplingOptions(r: SamplingFields): { temperature: number; topP?: number; seed?: number; stop: string[] } {
  if (r.n != null && r.n !== 1) throw badRequest('n', 'Hearth writes one choice per request: n must be 1.');
  if (r.frequency_penalty)
    throw badRequest('frequency_penalty', "frequency_penalty is not supported by Hearth's engine yet: leave it out or 0.");
  if (r.presence_penalty)
    throw badRequest('presence_penalty', "presence_penalty is not supported by Hearth's engine yet: leave it out or 0.");
  if (r.logit_bias && Object.keys(r.logit_bias).length > 0) throw badRequest('logit_bias', 'logit_bias is not supported by Hearth.');
  const stop = r.stop == null ? [] : typeof r.stop === 'string' ? [r.stop] : r.stop;
  return {
    temperature: r.temperature ?? 1,
    ...(r.top_p != null && r.top_p < 1 ? { topP: r.top_p } : {}),
    ...(r.seed != null ? { seed: r.seed } : {}),
    stop,
  };
}

/** OpenAI's finish_reason for how the engine ended: `length` for any limit, `stop` for an end the model chose. */
export function finishReason(stop: StopReason): 'stop' | 'length' | 'tool_calls' {
  switch (stop) {
    case 'maxTokens':
    case 'contextFull':
      return 'length';
    case 'functionCalls':
      return 'tool_calls';
    case 'eog':
    case 'stopString':
    case 'abort':
    case 'other':
      return 'stop';
    default:
      return stop satisfies never;
  }
}

export function usage(r: Pick<GenerateResult, 'promptTokens' | 'completionTokens'>) {
  return { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens };
}
