import type { Migration } from '../migrate';
import { init } from './0001-init';
import { messageSearch } from './0002-message-search';
import { conversationPinsTitles } from './0003-conversation-pins-titles';
import { messageThoughts } from './0004-message-thoughts';
import { contextDropped } from './0005-context-dropped';
import { messageTree } from './0006-message-tree';
import { presetsSampling } from './0007-presets-sampling';
import { modelLibrary } from './0008-model-library';
import { collections } from './0009-collections';
import { routing } from './0010-routing';

/** Append-only: never edit a shipped migration, add the next number. */
export const migrations: readonly Migration[] = [
  init,
  messageSearch,
  conversationPinsTitles,
  messageThoughts,
  contextDropped,
  messageTree,
  presetsSampling,
  modelLibrary,
  collections,
  routing,
];
