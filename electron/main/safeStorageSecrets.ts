import { safeStorage } from 'electron';
import { FileSecretStore } from '../providers/fileSecretStore';
import { safeStorageInfo, shouldEncrypt } from '../providers/safeStorageInfo';

/**
 * The desktop app's secret store: each key a 0600 file in a 0700 folder, as headless, but its bytes encrypted by
 * Electron's safeStorage (the macOS Keychain, Windows DPAPI, or a Linux keyring; only obfuscated under Linux's
 * `basic_text` fallback, which `info()` tells the user). Make it after the app's `ready` event: safeStorage knows
 * its backend only then.
 *
 * The synchronous encryptString/decryptString are used because the store must say how it keeps keys the moment
 * it is made; their data is the same the async variants read, so moving to those later needs no migration.
 */
export class SafeStorageSecretStore extends FileSecretStore {
  constructor(dir: string) {
    const info = safeStorageInfo({
      platform: process.platform,
      available: safeStorage.isEncryptionAvailable(),
      linuxBackend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
      dir,
    });
    super(dir, {
      info,
      ...(shouldEncrypt(info)
        ? {
            codec: {
              name: 'safeStorage',
              encode: (value: string) => safeStorage.encryptString(value),
              decode: (bytes: Buffer) => safeStorage.decryptString(bytes),
            },
          }
        : {}),
    });
  }
}
