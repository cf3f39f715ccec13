import type { Endpoint, EndpointDeps } from '../types';
import { badRequest, parseBody, replyError } from './errors';
import { resolveChatModel } from './modelResolve';
import { CompletionRequest } from './requests';
import { finishReason, samplingOptions, usage } from './sampling';
import { CoalescedSse, DEFAULT_FLUSH_MS, guarded, newId } from './sseStream';

/** OpenAI's default max_tokens for this endpoint. */
const DEFAULT_MAX_TOKENS = 16;

/** `POST /v1/completions`: raw text after a prompt, no chat template, through the scheduler's `complete`. */
export function completions(deps: EndpointDeps): Endpoint {
  const flushMs = deps.flushMs ?? DEFAULT_FLUSH_MS;
  const now = deps.now ?? Date.now;
  return async (call) => {
    let sse: CoalescedSse | undefined;
    try {
      const req = parseBody(CompletionRequest, call.body);
      const stream = req.stream === true;
      call.note({ stream });
      const prompt = promptOf(req.prompt);
      if (req.echo) throw badRequest('echo', 'echo is not supported by Hearth.');
      if (req.best_of != null && req.best_of !== 1)
        throw badRequest('best_of', 'Hearth writes one completion per request: best_of must be 1.');
      if (req.logprobs != null) throw badRequest('logprobs', 'logprobs are not supported by Hearth.');
      if (req.suffix) throw badRequest('suffix', 'suffix (fill in the middle) is not supported by Hearth.');
      const sampling = samplingOptions(req);
      const model = await resolveChatModel(deps, req.model);
      call.note({ model: model.id });
      const meta = { id: newId('cmpl-'), object: 'text_completion', created: Math.floor(now() / 1000), model: model.id };
      const job = {
        client: call.client,
        priority: 'api' as const,
        signal: call.signal,
        model: model.path,
        input: { prompt, options: { ...sampling, maxTokens: req.max_tokens ?? DEFAULT_MAX_TOKENS } },
      };
      const includeUsage = req.stream_options?.include_usage === true;
      const chunk = (text: string, finish: string | null = null) => ({
        ...meta,
        choices: [{ text, index: 0, logprobs: null, finish_reason: finish }],
        ...(includeUsage ? { usage: null } : {}),
      });

      if (!stream) {
        const r = await deps.scheduler.complete(job);
        call.note({ promptTokens: r.promptTokens, completionTokens: r.completionTokens });
        if (call.signal.aborted) return;
        call.reply.json(200, {
          ...meta,
          choices: [{ text: r.text, index: 0, logprobs: null, finish_reason: finishReason(r.stopReason) }],
          usage: usage(r),
        });
        return;
      }

      // The response starts with the first text, so a failure before it is still an HTTP status.
      const open = (): CoalescedSse => (sse ??= new CoalescedSse(call.reply.sse(), call.signal, flushMs, (_kind, text) => chunk(text)));
      const r = await deps.scheduler.complete({
        ...job,
        onEvent: (e) => {
          if (!call.signal.aborted) guarded(() => open().push(e.kind, e.text));
        },
      });
      call.note({ promptTokens: r.promptTokens, completionTokens: r.completionTokens });
      if (call.signal.aborted) return;
      const s = open();
      await s.flush();
      s.send(chunk('', finishReason(r.stopReason)));
      if (includeUsage) s.send({ ...meta, choices: [], usage: usage(r) });
      await s.done();
    } catch (error) {
      await replyError(call, error, sse);
    }
  };
}

/** One prompt as text; an array of one string is the same prompt. Token ids and several prompts are refused. */
function promptOf(prompt: CompletionRequest['prompt']): string {
  if (typeof prompt === 'string') return prompt;
  if (prompt.some((p) => typeof p !== 'string')) throw badRequest('prompt', 'prompt as token ids is not supported: send the text.');
  const [only, ...rest] = prompt;
  if (typeof only !== 'string' || rest.length > 0) {
    throw badRequest(
      'prompt',
      `Hearth completes one prompt per request: send a string, or an array of one (this one has ${prompt.length}).`,
    );
  }
  return only;
}
