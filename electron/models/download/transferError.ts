import { AppError, type ErrorCode } from '../../../shared/errors';

/**
 * A transfer that went wrong, and whether trying again can help: a dropped connection, a stall or a server error
 * can; a refusal, an HTML page instead of the file, or a file of the wrong size cannot.
 */
export class TransferError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly retryable: boolean,
  ) {
    super(code, message);
    this.name = 'TransferError';
  }
}

export const retryable = (error: unknown): boolean => error instanceof TransferError && error.retryable;
