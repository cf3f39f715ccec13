import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSecretStore, type SecretCodec } from '../../../electron/providers/fileSecretStore';
import { tempDir } from '../../helpers/fixtures';

const mode = (path: string): number => statSync(path).mode & 0o777;

/** A reversible codec that makes the stored bytes unlike the secret (as safeStorage's are). */
const xor: SecretCodec = {
  name: 'xor',
  encode: (v) => Buffer.from([...Buffer.from(v, 'utf8')].map((b) => b ^ 0x5a)),
  decode: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString('utf8'),
};

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  const t = tempDir('hearth-secrets-');
  dir = join(t.dir, 'secrets');
  cleanup = t.cleanup;
});
afterEach(() => cleanup());

describe('FileSecretStore', () => {
  it('keeps each secret in a 0600 file inside a 0700 folder and reads it back', async () => {
    const store = new FileSecretStore(dir);
    expect(store.has('provider:abc')).toBe(false);
    expect(await store.get('provider:abc')).toBeNull();
    await store.set('provider:abc', 'sk-one');
    expect(await store.get('provider:abc')).toBe('sk-one');
    expect(store.has('provider:abc')).toBe(true);
    expect(readFileSync(join(dir, 'provider.abc'), 'utf8')).toBe('sk-one');
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'provider.abc'))).toBe(0o600);
  });

  it('replaces a secret whole, leaves no temporary file, and removes it with null', async () => {
    const store = new FileSecretStore(dir);
    await store.set('provider:abc', 'sk-one');
    await store.set('provider:abc', 'sk-two');
    expect(await store.get('provider:abc')).toBe('sk-two');
    expect(readdirSync(dir)).toEqual(['provider.abc']);
    await store.set('provider:abc', null);
    expect(await store.get('provider:abc')).toBeNull();
    expect(store.has('provider:abc')).toBe(false);
    await store.set('provider:abc', null);
  });

  it('tightens a folder and a file that were left readable by others', async () => {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    const store = new FileSecretStore(dir);
    await store.set('provider:abc', 'sk-one');
    expect(mode(dir)).toBe(0o700);
    chmodSync(join(dir, 'provider.abc'), 0o644);
    await store.set('provider:abc', 'sk-two');
    expect(mode(join(dir, 'provider.abc'))).toBe(0o600);
  });

  it('refuses names that could reach outside its folder', async () => {
    const store = new FileSecretStore(dir);
    for (const name of ['../x', 'a/b', 'a\\b', '..', '.hidden', 'a.b', '', 'provider:', ':x', 'a b', 'x'.repeat(101)]) {
      await expect(store.set(name, 'v'), name).rejects.toMatchObject({ code: 'BAD_INPUT' });
      await expect(store.get(name), name).rejects.toMatchObject({ code: 'BAD_INPUT' });
      expect(store.has(name), name).toBe(false);
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('tells the user the keys are plain files only their account can read', () => {
    const info = new FileSecretStore(dir).info();
    expect(info.kind).toBe('file');
    expect(info.warning).toContain('plain text');
    expect(info.warning).toContain(dir);
  });

  it('with a codec stores tagged, encoded bytes and still reads a plain file written without one', async () => {
    const store = new FileSecretStore(dir, { codec: xor, info: { kind: 'keychain', warning: null } });
    await store.set('provider:abc', 'sk-encoded');
    const bytes = readFileSync(join(dir, 'provider.abc'));
    expect(bytes.toString('latin1')).not.toContain('sk-encoded');
    expect(bytes.toString('latin1').startsWith('hearth-secret:xor\n')).toBe(true);
    expect(await store.get('provider:abc')).toBe('sk-encoded');
    expect(store.info()).toEqual({ kind: 'keychain', warning: null });

    await new FileSecretStore(dir).set('provider:plain', 'sk-plain');
    expect(await store.get('provider:plain')).toBe('sk-plain');
  });

  it('says in words that an encrypted key cannot be read without its codec, rather than returning its bytes', async () => {
    await new FileSecretStore(dir, { codec: xor }).set('provider:abc', 'sk-encoded');
    await expect(new FileSecretStore(dir).get('provider:abc')).rejects.toThrow(/encrypted by the desktop app.*enter it again/);
    const broken: SecretCodec = {
      ...xor,
      decode: () => {
        throw new Error('bad mac');
      },
    };
    await expect(new FileSecretStore(dir, { codec: broken }).get('provider:abc')).rejects.toThrow(/could not be decrypted/);
  });

  it('reads a plain file edited by hand without the line break an editor adds', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'provider.abc'), 'sk-edited\n');
    expect(await new FileSecretStore(dir).get('provider:abc')).toBe('sk-edited');
  });
});
