import type { Endpoint, EndpointDeps } from '../types';
import { badRequest, parseBody, replyError } from './errors';
import { resolveEmbeddingModel } from './modelResolve';
import { EmbeddingRequest } from './requests';

/** OpenAI's limit on inputs per request. */
const MAX_INPUTS = 2048;

/**
 * `POST /v1/embeddings`: one vector per input, from the named model in the engine's embedding slot. `base64` is
 * the vector's little-endian float32 bytes, which the openai client asks for by default and decodes.
 */
export function embeddings(deps: EndpointDeps): Endpoint {
  return async (call) => {
    try {
      const req = parseBody(EmbeddingRequest, call.body);
      call.note({ stream: false });
      const texts = inputsOf(req.input);
      if (req.dimensions != null)
        throw badRequest('dimensions', "dimensions is not supported: Hearth returns the model's own vector size.");
      const model = await resolveEmbeddingModel(deps, req.model);
      call.note({ model: model.id });
      const r = await deps.scheduler.embed({ client: call.client, priority: 'api', signal: call.signal, model: model.path, texts });
      call.note({ promptTokens: r.tokens, completionTokens: 0 });
      if (call.signal.aborted) return;
      const base64 = req.encoding_format === 'base64';
      call.reply.json(200, {
        object: 'list',
        data: r.vectors.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? toBase64(v) : v })),
        model: model.id,
        usage: { prompt_tokens: r.tokens, total_tokens: r.tokens },
      });
    } catch (error) {
      await replyError(call, error);
    }
  };
}

/** The texts to embed: a string or an array of strings, none empty. Token ids are refused. */
function inputsOf(input: EmbeddingRequest['input']): string[] {
  const list = typeof input === 'string' ? [input] : input;
  if (list.length === 0) throw badRequest('input', 'input is empty: give a string or an array of strings.');
  if (list.length > MAX_INPUTS) throw badRequest('input', `input has ${list.length} items; at most ${MAX_INPUTS} can be embedded at once.`);
  return list.map((t, i) => {
    if (typeof t !== 'string') throw badRequest('input', 'input as token ids is not supported: send the text.');
    if (t === '') throw badRequest(typeof input === 'string' ? 'input' : `input[${i}]`, 'An input to embed cannot be empty.');
    return t;
  });
}

/** A vector as base64 of its little-endian float32 bytes. */
export function toBase64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
  return bytes.toString('base64');
}
