import type { EndpointDeps, Endpoints } from '../types';

/** The OpenAI routes over the engine. */
export function createEndpoints(_d: EndpointDeps): Endpoints {
  const notYet = async (call: Parameters<Endpoints['GET /v1/models']>[0]): Promise<void> =>
    call.reply.error(501, { message: 'Not built yet.', type: 'server_error' });
  return {
    'GET /v1/models': notYet,
    'POST /v1/chat/completions': notYet,
    'POST /v1/completions': notYet,
    'POST /v1/embeddings': notYet,
  };
}
