import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../../shared/types';
import { settingsPatch } from '../../../../renderer/features/settings/settingsPatch';

describe("the settings panel's update", () => {
  it('holds only the fields the user changed', () => {
    expect(settingsPatch(DEFAULT_SETTINGS, { maxTokens: '20' })).toEqual({ maxTokens: 20 });
    expect(settingsPatch(DEFAULT_SETTINGS, { systemPrompt: 'Be brief.', temperature: '0' })).toEqual({
      systemPrompt: 'Be brief.',
      temperature: 0,
    });
  });

  it('leaves out a field edited back to the newest value', () => {
    const current = { ...DEFAULT_SETTINGS, temperature: 0.2 };
    expect(settingsPatch(current, { temperature: '0.20', systemPrompt: current.systemPrompt })).toEqual({});
  });
});
