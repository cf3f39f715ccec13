import type { SecretStoreInfo } from '../../shared/api';
import { fileStoreWarning } from './fileSecretStore';

/** What Electron's safeStorage said about itself, read by the desktop shell once the app is ready. */
export interface SafeStorageState {
  platform: NodeJS.Platform;
  /** `safeStorage.isEncryptionAvailable()`. */
  available: boolean;
  /** `safeStorage.getSelectedStorageBackend()` on Linux (`basic_text`, `gnome_libsecret`, `kwallet5`...); null elsewhere. */
  linuxBackend: string | null;
  /** Where the key files go. */
  dir: string;
}

export const BASIC_TEXT_WARNING =
  'No system keyring was found, so your provider keys are only obfuscated on disk, not encrypted: anyone who can read ' +
  'your files can recover them. Install and unlock a keyring that offers the Secret Service (GNOME Keyring, with ' +
  'the gnome-keyring and libsecret packages, or KWallet), then restart Hearth. On a desktop Electron does not ' +
  'recognise, start Hearth with --password-store=gnome-libsecret (or kwallet5, kwallet6).';

/**
 * How the desktop app keeps keys, and what to tell the user: the system keyring (macOS Keychain, Windows DPAPI, a
 * Linux keyring) with nothing to say; Linux's `basic_text` fallback, which only obfuscates, with a warning and what
 * to do about it; or, where safeStorage offers no encryption at all, plain files only the user can read.
 */
export function safeStorageInfo(s: SafeStorageState): SecretStoreInfo {
  if (!s.available) {
    return {
      kind: 'file',
      warning: `This system offers Hearth no encryption for secrets. ${fileStoreWarning(s.dir)}`,
    };
  }
  if (s.platform === 'linux' && s.linuxBackend === 'basic_text') return { kind: 'basic_text', warning: BASIC_TEXT_WARNING };
  return { kind: 'keychain', warning: null };
}

/** Whether to encrypt with safeStorage: whenever it can, even `basic_text` (obfuscated beats plain). */
export const shouldEncrypt = (info: SecretStoreInfo): boolean => info.kind !== 'file';
