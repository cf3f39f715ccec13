/** Every error that crosses a process boundary is `{ code, message }` with a code from this union. */
export const ERROR_CODES = [
  'BAD_INPUT',
  'FORBIDDEN',
  'NOT_FOUND',
  'NO_MODEL',
  'BUSY',
  'CONTEXT_FULL',
  'CANCELLED',
  'MODEL_LOAD_FAILED',
  'ENGINE_CRASHED',
  'ENGINE_UNAVAILABLE',
  'UNSUPPORTED',
  /** A download or Hub request failed: the network, the server, or a file that did not match its hash. */
  'NETWORK',
  'NO_SPACE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorEnvelope {
  code: ErrorCode;
  message: string;
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorEnvelope };

/** An error a service throws on purpose: its message is written for the user. */
export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }
}

export function toErrorEnvelope(error: unknown): ErrorEnvelope {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code)) {
      return { code: code as ErrorCode, message: String((error as { message: unknown }).message) };
    }
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
