import type { Settings } from '../../../shared/types';

/** The settings the panel edits, as the text of their fields. */
export type EditableSetting =
  | 'systemPrompt'
  | 'temperature'
  | 'maxTokens'
  | 'contextSize'
  | 'contextOverflow'
  | 'theme'
  | 'parallelAnswers'
  | 'threads'
  | 'idleUnloadMinutes';
export type SettingsEdits = Partial<Record<EditableSetting, string>>;

/**
 * Only what the user changed, compared with the newest settings: sending every field from a cache that may
 * be stale would undo another window's change to a field this one never touched.
 */
export function settingsPatch(current: Settings, edits: SettingsEdits): Partial<Pick<Settings, EditableSetting>> {
  const patch: Partial<Pick<Settings, EditableSetting>> = {};
  for (const key of Object.keys(edits) as EditableSetting[]) {
    const text = edits[key]!;
    if (key === 'systemPrompt') {
      if (text !== current.systemPrompt) patch.systemPrompt = text;
    } else if (key === 'contextOverflow') {
      if (text !== current.contextOverflow && (text === 'dropOldest' || text === 'stop')) patch.contextOverflow = text;
    } else if (key === 'theme') {
      if (text !== current.theme && (text === 'system' || text === 'light' || text === 'dark')) patch.theme = text;
    } else if (Number(text) !== current[key]) {
      patch[key] = Number(text);
    }
  }
  return patch;
}
