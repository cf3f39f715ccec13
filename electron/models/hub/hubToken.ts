import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';

/** Hugging Face user access tokens: `hf_` and letters or digits. */
const TOKEN = /^hf_[A-Za-z0-9_-]{8,200}$/;

/**
 * The Hugging Face token, kept like a secret: one file in the data folder that only the user can read (0600),
 * written whole or not at all, never logged and never sent back to the renderer (only whether there is one).
 *
 * On the desktop the bytes on disk should be wrapped by Electron's `safeStorage.encryptString` (the OS keychain,
 * DPAPI or libsecret) before `write` and unwrapped after `read`; this module cannot import `electron` (domain code
 * also runs headless), so the desktop shell would pass that pair in as a codec. Until then the file's mode is the
 * protection, as it is for the Hugging Face CLI's own `~/.cache/huggingface/token`.
 */
export class HubTokenStore {
  private readonly path: string;
  private cached: string | null | undefined;

  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, 'hf-token');
  }

  get(): string | null {
    if (this.cached !== undefined) return this.cached;
    let text: string | null = null;
    try {
      text = readFileSync(this.path, 'utf8').trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // A file that was edited into something that is not a token is ignored rather than sent.
    this.cached = text && TOKEN.test(text) ? text : null;
    return this.cached;
  }

  /** Stores the token, or with null forgets it (the file is removed). */
  set(token: string | null): void {
    if (token === null) {
      rmSync(this.path, { force: true });
      this.cached = null;
      return;
    }
    const value = token.trim();
    // The message never repeats the value: errors end up in logs.
    if (!TOKEN.test(value)) throw new AppError('BAD_INPUT', 'That is not a Hugging Face access token: tokens start with "hf_".');
    mkdirSync(this.dataDir, { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, value, { mode: 0o600 });
    // The mode given to writeFileSync is masked by the umask and ignored for an existing file, so set it again.
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
    this.cached = value;
  }
}
