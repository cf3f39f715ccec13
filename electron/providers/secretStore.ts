import type { SecretStoreInfo } from '../../shared/api';

/**
 * Where secrets (provider keys) are kept. Main provides one: Electron's safeStorage in the desktop app
 * (`electron/main/safeStorageSecrets.ts`), a file only the user can read in headless mode (`fileSecretStore.ts`).
 * Domain code sees only this interface and never imports Electron.
 */
export interface SecretStore {
  get(name: string): Promise<string | null>;
  /** null removes it. */
  set(name: string, value: string | null): Promise<void>;
  /** Whether a secret is stored, without reading (or decrypting) it: lists are synchronous. */
  has(name: string): boolean;
  /** How the secrets are kept, and what the user should be told about it. */
  info(): SecretStoreInfo;
}
