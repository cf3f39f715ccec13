import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import type { Settings } from '../../../shared/types';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { ApiSettingsRow } from '../api/ApiSettingsRow';
import { Presets } from './Presets';
import { settingsPatch, type EditableSetting, type SettingsEdits } from './settingsPatch';

interface Props {
  /** The newest settings: main's settings:changed event keeps them current while the panel is open. */
  settings: Settings;
  onClose: () => void;
}

/**
 * Generation settings. They apply to the next answer; context size, answers at once and threads apply when a
 * model is next loaded.
 * A field the user has not touched shows the newest value; Save sends only the fields the user changed.
 */
export function SettingsPanel({ settings, onClose }: Props) {
  const qc = useQueryClient();
  const [edits, setEdits] = useState<SettingsEdits>({});
  const [error, setError] = useState<string | null>(null);
  const field = (key: EditableSetting) => ({
    value: edits[key] ?? String(settings[key]),
    onChange: (e: { target: { value: string } }) => setEdits((old) => ({ ...old, [key]: e.target.value })),
  });

  // Escape closes the panel, as it closes every panel and dialog.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    const patch = settingsPatch(settings, edits);
    try {
      if (Object.keys(patch).length > 0) qc.setQueryData(queryKeys.settings, await call('settings:update', patch));
      onClose();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <form
      className="settings"
      data-testid="settings-panel"
      onSubmit={(e) => void save(e)}
      aria-label="Settings"
      // Focus moves into the panel when it opens.
      ref={(el) => el?.querySelector('textarea')?.focus()}
    >
      <label>
        System prompt
        <textarea rows={3} {...field('systemPrompt')} />
      </label>
      <div className="settings-row">
        <label>
          Temperature
          <input type="number" min={0} max={2} step={0.1} {...field('temperature')} />
        </label>
        <label>
          Max answer length (tokens, 0 = no limit)
          <input data-testid="settings-max-tokens" type="number" min={0} step={1} {...field('maxTokens')} />
        </label>
        <label>
          Context size (tokens, 0 = largest that fits)
          <input type="number" min={0} step={256} {...field('contextSize')} />
        </label>
      </div>
      <div className="settings-row">
        <label>
          Answers at once (1-8; fewer when memory is short)
          <input data-testid="settings-parallel" type="number" min={1} max={8} step={1} {...field('parallelAnswers')} />
        </label>
        <label>
          When a chat outgrows the context
          <select data-testid="settings-overflow" {...field('contextOverflow')}>
            <option value="dropOldest">Drop the oldest messages (keep the system prompt)</option>
            <option value="stop">Stop and say so</option>
          </select>
        </label>
        <label>
          Theme
          <select data-testid="settings-theme" {...field('theme')}>
            <option value="system">Follow the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <label>
          CPU threads (0 = by model size)
          <input type="number" min={0} max={256} step={1} {...field('threads')} />
        </label>
        <label>
          Unload an idle model after (minutes; 0 = never)
          <input type="number" min={0} max={1440} step={1} data-testid="settings-idle-unload" {...field('idleUnloadMinutes')} />
        </label>
      </div>
      <ApiSettingsRow onOpen={onClose} />
      <Presets />
      {error && (
        <div className="picker-error" role="alert">
          {error}
        </div>
      )}
      <div className="settings-actions">
        <button type="button" className="button button-ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" data-testid="settings-save">
          Save
        </button>
      </div>
    </form>
  );
}
