import { AppError } from '../../../shared/errors';
import { LIMITS, TOO_LARGE } from './limits';

/** Uploads held at once; a new one beyond this drops the one touched longest ago. */
const MAX_UPLOADS = 2;

interface Upload {
  parts: string[];
  bytes: number;
  touchedAt: number;
}

/**
 * Files to import arrive in parts (a WebSocket frame holds at most IMPORT_PART_CHARS characters), in order, and
 * are held here until `take`. The size cap is checked as each part arrives, so an oversized file is refused
 * before it is all in memory.
 */
export class ImportUploads {
  private readonly uploads = new Map<string, Upload>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds part `index` (0 starts the upload over); returns the bytes received so far. */
  append(uploadId: string, index: number, text: string): number {
    let upload = this.uploads.get(uploadId);
    if (index === 0) {
      this.uploads.delete(uploadId);
      while (this.uploads.size >= MAX_UPLOADS) {
        const oldest = [...this.uploads.entries()].sort((a, b) => a[1].touchedAt - b[1].touchedAt)[0]![0];
        this.uploads.delete(oldest);
      }
      upload = { parts: [], bytes: 0, touchedAt: this.now() };
      this.uploads.set(uploadId, upload);
    }
    if (!upload) throw new AppError('NOT_FOUND', 'That import was not started or has expired; choose the file again.');
    if (index !== upload.parts.length) {
      this.uploads.delete(uploadId);
      throw new AppError(
        'BAD_INPUT',
        `Part ${index} of the import arrived out of order (expected part ${upload.parts.length}); choose the file again.`,
      );
    }
    upload.bytes += Buffer.byteLength(text, 'utf8');
    if (upload.bytes > LIMITS.bytes) {
      this.uploads.delete(uploadId);
      throw new AppError('BAD_INPUT', TOO_LARGE);
    }
    upload.parts.push(text);
    upload.touchedAt = this.now();
    return upload.bytes;
  }

  /** The whole file, which is then forgotten. */
  take(uploadId: string): string {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new AppError('NOT_FOUND', 'That import was not started or has expired; choose the file again.');
    this.uploads.delete(uploadId);
    return upload.parts.join('');
  }
}
