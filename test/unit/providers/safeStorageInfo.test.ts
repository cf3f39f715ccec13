import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BASIC_TEXT_WARNING, safeStorageInfo } from '../../../electron/providers/safeStorageInfo';
import { tempDir } from '../../helpers/fixtures';

/** Electron's safeStorage, played by a recorder whose "encryption" reverses the bytes. */
const safe = vi.hoisted(() => ({
  available: true,
  backend: 'gnome_libsecret',
  encrypted: [] as string[],
}));

vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => safe.available,
    getSelectedStorageBackend: () => safe.backend,
    encryptString: (s: string) => {
      safe.encrypted.push(s);
      return Buffer.from([...Buffer.from(`enc:${s}`, 'utf8')].reverse());
    },
    decryptString: (b: Buffer) => {
      const plain = Buffer.from([...b].reverse()).toString('utf8');
      if (!plain.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return plain.slice(4);
    },
  },
}));

describe('safeStorageInfo', () => {
  const base = { available: true, linuxBackend: null, dir: '/home/u/.config/Hearth/secrets' };

  it('reports the system keychain with nothing to warn about on macOS, Windows and a Linux keyring', () => {
    expect(safeStorageInfo({ ...base, platform: 'darwin' })).toEqual({ kind: 'keychain', warning: null });
    expect(safeStorageInfo({ ...base, platform: 'win32' })).toEqual({ kind: 'keychain', warning: null });
    for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) {
      expect(safeStorageInfo({ ...base, platform: 'linux', linuxBackend: backend })).toEqual({ kind: 'keychain', warning: null });
    }
  });

  it('warns on Linux without a keyring that keys are only obfuscated, and says what to install', () => {
    const info = safeStorageInfo({ ...base, platform: 'linux', linuxBackend: 'basic_text' });
    expect(info.kind).toBe('basic_text');
    expect(info.warning).toBe(BASIC_TEXT_WARNING);
    expect(info.warning).toMatch(/only obfuscated/);
    expect(info.warning).toMatch(/GNOME Keyring/);
    expect(info.warning).toMatch(/--password-store=gnome-libsecret/);
  });

  it('falls back to plain files, and says so, where safeStorage offers no encryption', () => {
    const info = safeStorageInfo({ ...base, platform: 'linux', available: false, linuxBackend: 'unknown' });
    expect(info.kind).toBe('file');
    expect(info.warning).toContain('no encryption');
    expect(info.warning).toContain(base.dir);
  });
});

describe('SafeStorageSecretStore (Electron replaced by a recorder)', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    const t = tempDir('hearth-safe-');
    dir = join(t.dir, 'secrets');
    cleanup = t.cleanup;
    safe.available = true;
    safe.backend = 'gnome_libsecret';
    safe.encrypted = [];
  });
  afterEach(() => cleanup());

  it('encrypts each key with safeStorage into a 0600 file and decrypts it back', async () => {
    const { SafeStorageSecretStore } = await import('../../../electron/main/safeStorageSecrets');
    const store = new SafeStorageSecretStore(dir);
    await store.set('provider:p1', 'sk-desktop-key');
    expect(safe.encrypted).toEqual(['sk-desktop-key']);
    const file = join(dir, 'provider.p1');
    expect(readFileSync(file).toString('latin1')).not.toContain('sk-desktop-key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await store.get('provider:p1')).toBe('sk-desktop-key');
    expect(store.info()).toEqual({ kind: 'keychain', warning: null });
  });

  it('keeps plain files, and says so, when safeStorage cannot encrypt', async () => {
    safe.available = false;
    const { SafeStorageSecretStore } = await import('../../../electron/main/safeStorageSecrets');
    const store = new SafeStorageSecretStore(dir);
    await store.set('provider:p1', 'sk-plain-key');
    expect(safe.encrypted).toEqual([]);
    expect(readFileSync(join(dir, 'provider.p1'), 'utf8')).toBe('sk-plain-key');
    expect(store.info().kind).toBe('file');
  });
});
