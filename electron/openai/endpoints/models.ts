import { stat } from 'node:fs/promises';
import type { Endpoint, EndpointDeps } from '../types';
import { replyError } from './errors';
import { apiModels } from './modelResolve';

/** `GET /v1/models`: the installed models that can load, in OpenAI's list shape, with ids people can type. */
export function models(deps: EndpointDeps): Endpoint {
  return async (call) => {
    try {
      const list = await apiModels(deps);
      const data = await Promise.all(
        list.map(async (m) => ({
          id: m.id,
          object: 'model',
          // OpenAI's `created` is when the model was made; the file's time is the nearest thing Hearth knows.
          created: Math.floor(((await stat(m.path).catch(() => null))?.mtimeMs ?? 0) / 1000),
          owned_by: 'hearth',
        })),
      );
      call.reply.json(200, { object: 'list', data });
    } catch (error) {
      await replyError(call, error);
    }
  };
}
