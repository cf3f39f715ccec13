import type { EndpointDeps, Endpoints } from '../types';
import { chatCompletions } from './chatCompletions';
import { completions } from './completions';
import { embeddings } from './embeddings';
import { models } from './models';

/** The OpenAI routes over the engine: each validates its body, asks the scheduler at the API's priority, and answers. */
export function createEndpoints(d: EndpointDeps): Endpoints {
  return {
    'GET /v1/models': models(d),
    'POST /v1/chat/completions': chatCompletions(d),
    'POST /v1/completions': completions(d),
    'POST /v1/embeddings': embeddings(d),
  };
}
