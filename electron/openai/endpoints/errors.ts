import type { z } from 'zod';
import { AppError } from '../../../shared/errors';
import type { ApiCall, ApiErrorBody } from '../types';
import type { CoalescedSse } from './sseStream';

/** An error an endpoint answers with: an HTTP status and OpenAI's error body, its message written for people. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = status >= 500 ? 'server_error' : 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ApiErrorBody {
    return { message: this.message, type: this.type, param: this.param, code: this.code };
  }
}

/** A 400 for a field the endpoint cannot honour. */
export const badRequest = (param: string, message: string, code: string | null = null): ApiError =>
  new ApiError(400, message, 'invalid_request_error', param, code);

/** Parses a body; a failure is a 400 that names the field (`messages[0].role`) and says what is wrong with it. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ApiError(400, 'The request body must be a JSON object.');
  }
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const param = fieldPath(issue.path);
  throw new ApiError(400, param ? `${param}: ${issue.message}` : issue.message, 'invalid_request_error', param || null);
}

/** `messages[0].content[1].text`, as OpenAI names a field. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out;
}

/** The engine's and the scheduler's errors as OpenAI errors: the status a client acts on, the message as it is. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (!(error instanceof AppError)) {
    return new ApiError(500, `Something went wrong in Hearth: ${error instanceof Error ? error.message : String(error)}`);
  }
  switch (error.code) {
    case 'BAD_INPUT':
    case 'UNSUPPORTED':
      return new ApiError(400, error.message);
    case 'NO_MODEL':
      return new ApiError(400, error.message, 'invalid_request_error', 'model', 'model_not_found');
    case 'NOT_FOUND':
      return new ApiError(404, error.message, 'invalid_request_error', null, 'not_found');
    case 'CONTEXT_FULL':
      return new ApiError(400, error.message, 'invalid_request_error', 'messages', 'context_length_exceeded');
    case 'FORBIDDEN':
      return new ApiError(403, error.message, 'invalid_request_error');
    case 'BUSY':
    case 'CANCELLED':
    case 'ENGINE_CRASHED':
    case 'ENGINE_UNAVAILABLE':
      return new ApiError(503, error.message, 'server_error', null, error.code.toLowerCase());
    case 'MODEL_LOAD_FAILED':
      return new ApiError(500, error.message, 'server_error', 'model', 'model_load_failed');
    case 'NETWORK':
    case 'NO_SPACE':
    case 'INTERNAL':
      return new ApiError(500, error.message, 'server_error');
    default:
      return error.code satisfies never;
  }
}

/**
 * Answers with an error, and notes it for the request log. Before the response started it is the status and
 * body; after (a stream under way) it is an `{ error }` event, which the openai client raises, and the end. A
 * client that went away gets nothing: there is no one to tell.
 */
export async function replyError(call: ApiCall, error: unknown, stream?: CoalescedSse): Promise<void> {
  const e = toApiError(error);
  call.note({ error: e.message });
  if (call.signal.aborted) return;
  // What was batched goes first; the reply then ends a started stream with the error as its last event.
  await stream?.flush();
  call.reply.error(e.status, e.body());
}
