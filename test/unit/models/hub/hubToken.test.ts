import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HubTokenStore } from '../../../../electron/models/hub/hubToken';
import { tempDir } from '../../../helpers/fixtures';

const TOKEN = 'hf_abcdefghijklmnopqrstuvwxyz123456';
let dir: string;
let cleanup: () => void;

beforeEach(() => ({ dir, cleanup } = tempDir('hearth-token-')));
afterEach(() => cleanup());

describe('HubTokenStore', () => {
  it('keeps the token in a file only the user can read, and reads it back after a restart', () => {
    new HubTokenStore(dir).set(TOKEN);
    const file = join(dir, 'hf-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(TOKEN);
    expect(new HubTokenStore(dir).get()).toBe(TOKEN);
  });

  it('makes an existing, more open file private again when the token changes', () => {
    writeFileSync(join(dir, 'hf-token'), 'hf_oldoldoldold', { mode: 0o644 });
    new HubTokenStore(dir).set(TOKEN);
    expect(statSync(join(dir, 'hf-token')).mode & 0o777).toBe(0o600);
  });

  it('forgets the token, removing the file', () => {
    const s = new HubTokenStore(dir);
    s.set(TOKEN);
    s.set(null);
    expect(s.get()).toBeNull();
    expect(existsSync(join(dir, 'hf-token'))).toBe(false);
    expect(new HubTokenStore(dir).get()).toBeNull();
  });

  it('refuses something that is not a token without repeating it in the error', () => {
    const s = new HubTokenStore(dir);
    const secret = 'my-password-123';
    let caught: unknown = null;
    try {
      s.set(secret);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'BAD_INPUT' });
    const message = caught instanceof Error ? caught.message : '';
    expect(message).toContain('hf_');
    expect(message).not.toContain(secret);
    expect(s.get()).toBeNull();
  });

  it('ignores a token file edited into something that is not a token', () => {
    writeFileSync(join(dir, 'hf-token'), 'hf_ok\nAuthorization: evil', { mode: 0o600 });
    expect(new HubTokenStore(dir).get()).toBeNull();
  });
});
