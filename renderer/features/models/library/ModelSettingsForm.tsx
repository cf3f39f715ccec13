import { useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { LibraryModel } from '../../../../shared/models';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { baseName } from '../common/format';
import { draftFrom, settingsFromDraft, settingsPatch, type SettingsDraft } from './settingsDraft';

interface Props {
  model: LibraryModel;
  /** LoRA adapters in the library, offered by name. */
  adapters: LibraryModel[];
  loaded: boolean;
  onClose: () => void;
}

/** A model's own load settings: empty fields follow the global settings or the engine's choice. */
export function ModelSettingsForm({ model, adapters, loaded, onClose }: Props) {
  const qc = useQueryClient();
  const [draft, setDraft] = useState<SettingsDraft>(() => draftFrom(model.settings));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const id = useId();
  const set = <K extends keyof SettingsDraft>(key: K, value: SettingsDraft[K]): void => {
    setSaved(null);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const setLora = (i: number, patch: Partial<SettingsDraft['lora'][number]>): void =>
    set(
      'lora',
      draft.lora.map((a, j) => (j === i ? { ...a, ...patch } : a)),
    );

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    setSaved(null);
    const parsed = settingsFromDraft(draft);
    if (!parsed.ok) return setError(parsed.error);
    const patch = settingsPatch(model.settings, parsed.settings);
    if (Object.keys(patch).length === 0) return setSaved('Nothing changed.');
    try {
      const next = await call('models:settings', { path: model.path, settings: patch });
      qc.setQueryData<LibraryModel[]>(queryKeys.models, (old) => old?.map((m) => (m.path === next.path ? next : m)));
      setDraft(draftFrom(next.settings));
      setSaved(loaded ? 'Saved. The model uses them from its next load.' : 'Saved.');
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    // noValidate: the form checks its fields itself (settingsFromDraft) and says what is wrong in one announced line,
    // rather than the browser's bubble that stops at the first field.
    <form
      className="settings model-settings"
      data-testid="model-settings"
      aria-label={`Settings for ${model.fileName}`}
      noValidate
      onSubmit={(e) => void save(e)}
    >
      <div className="settings-row">
        <label>
          Context size (tokens; empty: the global setting)
          <input
            type="number"
            min={0}
            step={256}
            value={draft.contextSize}
            onChange={(e) => set('contextSize', e.target.value)}
            data-testid="ms-context"
          />
        </label>
        <label>
          GPU layers
          <select
            value={draft.gpuMode}
            onChange={(e) => set('gpuMode', e.target.value as SettingsDraft['gpuMode'])}
            data-testid="ms-gpu-mode"
          >
            <option value="auto">Auto: as many as fit</option>
            <option value="manual">A number of layers</option>
          </select>
        </label>
        {draft.gpuMode === 'manual' && (
          <label>
            Layers on the GPU{model.meta ? ` (of ${model.meta.layers})` : ''}
            <input
              type="number"
              min={0}
              max={1000}
              step={1}
              value={draft.gpuLayers}
              onChange={(e) => set('gpuLayers', e.target.value)}
              data-testid="ms-gpu-layers"
            />
          </label>
        )}
        <label>
          Flash attention
          <select value={draft.flashAttention} onChange={(e) => set('flashAttention', e.target.value as SettingsDraft['flashAttention'])}>
            <option value="auto">Auto</option>
            <option value="on">On</option>
            <option value="off">Off</option>
          </select>
        </label>
      </div>
      <div className="settings-row">
        <label>
          Batch size (empty: the engine&apos;s default)
          <input type="number" min={1} step={1} value={draft.batchSize} onChange={(e) => set('batchSize', e.target.value)} />
        </label>
        <label>
          CPU threads (empty: the global setting)
          <input
            type="number"
            min={1}
            max={256}
            step={1}
            value={draft.threads}
            onChange={(e) => set('threads', e.target.value)}
            data-testid="ms-threads"
          />
        </label>
      </div>
      <fieldset className="lora">
        <legend>LoRA adapters, applied on top of this model when it loads</legend>
        {draft.lora.length === 0 && <p className="presets-empty">None.</p>}
        {draft.lora.map((a, i) => (
          // The adapters have no id of their own; their place in the list is theirs while the form is open.
          // oxlint-disable-next-line react/no-array-index-key
          <div className="lora-row" key={i}>
            <label>
              Adapter {i + 1}
              {adapters.length > 0 ? (
                <select value={a.path} onChange={(e) => setLora(i, { path: e.target.value })}>
                  <option value="">Choose an adapter…</option>
                  {adapters.map((m) => (
                    <option key={m.path} value={m.path}>
                      {m.fileName}
                    </option>
                  ))}
                  {a.path && !adapters.some((m) => m.path === a.path) && <option value={a.path}>{baseName(a.path)}</option>}
                </select>
              ) : (
                <input placeholder="/full/path/to/adapter.gguf" value={a.path} onChange={(e) => setLora(i, { path: e.target.value })} />
              )}
            </label>
            <label>
              Scale
              <input type="number" min={-4} max={4} step={0.1} value={a.scale} onChange={(e) => setLora(i, { scale: e.target.value })} />
            </label>
            <button
              type="button"
              className="button button-small button-ghost"
              aria-label={`Remove adapter ${i + 1}`}
              onClick={() =>
                set(
                  'lora',
                  draft.lora.filter((_, j) => j !== i),
                )
              }
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button button-small presets-add"
          disabled={draft.lora.length >= 8}
          onClick={() => set('lora', [...draft.lora, { path: adapters[0]?.path ?? '', scale: '1' }])}
        >
          Add an adapter
        </button>
      </fieldset>
      {error && (
        <div className="picker-error" role="alert" id={`${id}-error`}>
          {error}
        </div>
      )}
      {saved && <output className="picker-note">{saved}</output>}
      <div className="settings-actions">
        <button type="button" className="button button-ghost" onClick={onClose}>
          Close
        </button>
        <button type="submit" className="button button-primary" data-testid="ms-save">
          Save
        </button>
      </div>
    </form>
  );
}
