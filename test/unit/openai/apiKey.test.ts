import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../../../electron/openai/apiKey';
import { tempDir } from '../../helpers/fixtures';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('the API key store', () => {
  it('has no key until the first start, then makes one: hearth- and 32 random bytes, in a 0600 file', () => {
    const store = new ApiKeyStore(join(dir, 'data'));
    expect(store.current()).toBeNull();
    const key = store.ensure();
    expect(key).toMatch(/^hearth-[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(7), 'base64url')).toHaveLength(32);
    expect(store.path).toBe(join(dir, 'data', 'api-key'));
    expect(readFileSync(store.path, 'utf8')).toBe(key);
    expect(mode(store.path)).toBe(0o600);
    expect(store.ensure()).toBe(key);
    // Another process (the next launch) reads the same key.
    expect(new ApiKeyStore(join(dir, 'data')).current()).toBe(key);
  });

  it('regenerates atomically: a new key, still 0600, and no temporary file left behind', () => {
    const store = new ApiKeyStore(dir);
    const first = store.ensure();
    const second = store.regenerate();
    expect(second).not.toBe(first);
    expect(readFileSync(store.path, 'utf8')).toBe(second);
    expect(mode(store.path)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['api-key']);
  });

  it('makes a fresh key when the file holds something that is not one, and tightens a loose mode', () => {
    writeFileSync(join(dir, 'api-key'), 'password123');
    const store = new ApiKeyStore(dir);
    expect(store.current()).toBeNull();
    const key = store.ensure();
    expect(key).not.toBe('password123');
    chmodSync(store.path, 0o644);
    expect(new ApiKeyStore(dir).current()).toBe(key);
    expect(mode(store.path)).toBe(0o600);
  });
});
