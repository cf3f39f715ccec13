import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_SETTINGS, ModelLoadSettings } from '../../../../../shared/models';
import { draftFrom, settingsFromDraft, settingsPatch } from '../../../../../renderer/features/models/library/settingsDraft';

const custom: ModelLoadSettings = {
  contextSize: 8192,
  gpuLayers: 12,
  flashAttention: true,
  batchSize: 256,
  threads: 4,
  lora: [{ path: '/models/style.lora.gguf', scale: 0.75 }],
};

describe("a model's settings form", () => {
  it('reads back exactly the settings it was filled from, and what it sends passes the contract', () => {
    for (const s of [DEFAULT_MODEL_SETTINGS, custom, { ...custom, flashAttention: false as const }]) {
      const r = settingsFromDraft(draftFrom(s));
      expect(r).toEqual({ ok: true, settings: s });
      expect(ModelLoadSettings.parse(r.ok ? r.settings : null)).toEqual(s);
    }
  });

  it('treats an empty field as "follow the global setting"', () => {
    const r = settingsFromDraft({ ...draftFrom(custom), contextSize: ' ', batchSize: '', threads: '' });
    expect(r.ok && [r.settings.contextSize, r.settings.batchSize, r.settings.threads]).toEqual([null, null, null]);
  });

  it('says in words what is wrong with a field before anything is sent', () => {
    const d = draftFrom(custom);
    expect(settingsFromDraft({ ...d, contextSize: '1.5' })).toEqual({
      ok: false,
      error: 'Context size must be a whole number from 0 to 1,048,576.',
    });
    expect(settingsFromDraft({ ...d, gpuLayers: '' })).toEqual({ ok: false, error: 'Give the number of GPU layers, or choose Auto.' });
    expect(settingsFromDraft({ ...d, threads: '0' })).toEqual({ ok: false, error: 'Threads must be a whole number from 1 to 256.' });
    expect(settingsFromDraft({ ...d, lora: [{ path: '/a/style.gguf', scale: '9' }] })).toEqual({
      ok: false,
      error: 'The scale of style.gguf must be a number from -4 to 4.',
    });
    expect(settingsFromDraft({ ...d, lora: [{ path: ' ', scale: '1' }] })).toMatchObject({ ok: false });
  });

  it('sends only the fields that changed', () => {
    expect(settingsPatch(custom, { ...custom, threads: 2 })).toEqual({ threads: 2 });
    expect(settingsPatch(custom, { ...custom, lora: [] })).toEqual({ lora: [] });
    expect(settingsPatch(custom, { ...custom })).toEqual({});
  });
});
