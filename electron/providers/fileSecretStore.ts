import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretStoreInfo } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { SecretStore } from './secretStore';

/** Turns a secret into the bytes on disk and back (the desktop's safeStorage); `name` is written with them. */
export interface SecretCodec {
  name: string;
  encode(value: string): Buffer;
  /** Throws when the bytes cannot be read back (another keyring, another machine). */
  decode(bytes: Buffer): string;
}

export interface FileSecretStoreOptions {
  /** Without one, each file holds the secret as plain text (headless). */
  codec?: SecretCodec;
  /** What to tell the user; the headless wording by default. */
  info?: SecretStoreInfo;
}

/** Names are words joined by colons (`provider:<id>`): nothing that could climb out of the folder. */
const NAME = /^[A-Za-z0-9_-]{1,100}(?::[A-Za-z0-9_-]{1,100}){0,3}$/;
/** Encoded files start with this and the codec's name on one line; plain files are the bare secret. */
const HEADER = 'hearth-secret:';

export const fileStoreWarning = (dir: string): string =>
  `Keys are kept as plain text in files under ${dir} that only your user account can read. Anyone who can use your account, or read a backup of that folder, can read them.`;

/**
 * Each secret one file, in a folder only the user may enter (0700), the file readable by the user alone (0600),
 * written whole or not at all (a temporary file, fsync, rename). With a codec the bytes are encrypted and tagged
 * with the codec's name; a plain file is still read (a key saved by the headless server on the same data folder),
 * and an encrypted one the store cannot decode is an error in words, never garbage sent as a key.
 */
export class FileSecretStore implements SecretStore {
  private readonly info_: SecretStoreInfo;

  constructor(
    private readonly dir: string,
    private readonly options: FileSecretStoreOptions = {},
  ) {
    this.info_ = options.info ?? { kind: 'file', warning: fileStoreWarning(dir) };
  }

  async get(name: string): Promise<string | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    // A plain file may have been written by hand, with the line break an editor adds.
    if (!bytes.subarray(0, HEADER.length).equals(Buffer.from(HEADER))) return bytes.toString('utf8').trim();
    const eol = bytes.indexOf(10);
    const codec = eol === -1 ? '' : bytes.subarray(HEADER.length, eol).toString('utf8');
    if (!this.options.codec || codec !== this.options.codec.name) {
      throw new AppError('FORBIDDEN', 'A key was saved encrypted by the desktop app and cannot be read here: enter it again.');
    }
    try {
      return this.options.codec.decode(bytes.subarray(eol + 1));
    } catch {
      throw new AppError(
        'FORBIDDEN',
        'A stored key could not be decrypted (the system keyring may have changed since it was saved): enter it again.',
      );
    }
  }

  async set(name: string, value: string | null): Promise<void> {
    const path = this.pathOf(name);
    if (value === null) {
      await rm(path, { force: true });
      return;
    }
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // mkdir's mode is masked by the umask and ignored for a folder that exists: set it outright.
    await chmod(this.dir, 0o700);
    const codec = this.options.codec;
    const bytes = codec ? Buffer.concat([Buffer.from(`${HEADER}${codec.name}\n`), codec.encode(value)]) : Buffer.from(value, 'utf8');
    // Temporary names start with a dot, which no secret's file name can.
    const tmp = join(this.dir, `.tmp-${randomUUID()}`);
    const file = await open(tmp, 'wx', 0o600);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await chmod(tmp, 0o600);
      await rename(tmp, path);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  has(name: string): boolean {
    return NAME.test(name) && existsSync(this.pathOf(name));
  }

  info(): SecretStoreInfo {
    return this.info_;
  }

  /** `provider:abc` is the file `provider.abc`: dots are not allowed in names, so the mapping is one to one. */
  private pathOf(name: string): string {
    if (!NAME.test(name)) throw new AppError('BAD_INPUT', 'A secret name is words joined by colons.');
    return join(this.dir, name.replaceAll(':', '.'));
  }
}
