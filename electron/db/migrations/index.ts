import type { Migration } from '../migrate';
import { init } from './0001-init';
import { messageSearch } from './0002-message-search';

/** Append-only: never edit a shipped migration, add the next number. */
export const migrations: readonly Migration[] = [init, messageSearch];
