import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `hearth-` and 32 random bytes in base64url (43 characters). */
const KEY = /^hearth-[A-Za-z0-9_-]{43}$/;

export const newApiKey = (): string => `hearth-${randomBytes(32).toString('base64url')}`;

/**
 * The API server's bearer key: one file in the data folder that only the user can read (0600), written whole or
 * not at all, made at the server's first start. It is never logged: no message here repeats it.
 */
export class ApiKeyStore {
  readonly path: string;
  private cached: string | null | undefined;

  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, 'api-key');
  }

  /** The key, or null before the server first started. */
  current(): string | null {
    if (this.cached !== undefined) return this.cached;
    let text: string | null = null;
    try {
      text = readFileSync(this.path, 'utf8').trim();
      // A file copied in from elsewhere may have come with a looser mode: the key is only as safe as the file.
      if ((statSync(this.path).mode & 0o077) !== 0) chmodSync(this.path, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // A file edited into something that is not a key counts as none, so the next start makes a proper one.
    this.cached = text && KEY.test(text) ? text : null;
    return this.cached;
  }

  /** The key, made now if there is none yet. */
  ensure(): string {
    return this.current() ?? this.regenerate();
  }

  /** A new key; the old one is gone once this returns. */
  regenerate(): string {
    const key = newApiKey();
    mkdirSync(this.dataDir, { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, key, { mode: 0o600 });
      // The mode given to writeFileSync is masked by the umask and ignored for an existing file, so set it again.
      chmodSync(tmp, 0o600);
      renameSync(tmp, this.path);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
    this.cached = key;
    return key;
  }
}
