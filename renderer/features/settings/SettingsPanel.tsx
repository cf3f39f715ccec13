import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Settings } from '../../../shared/types';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';

interface Props {
  settings: Settings;
  onClose: () => void;
}

/** Generation settings. They apply to the next answer; context size applies when a model is next loaded. */
export function SettingsPanel({ settings, onClose }: Props) {
  const qc = useQueryClient();
  const [systemPrompt, setSystemPrompt] = useState(settings.systemPrompt);
  const [temperature, setTemperature] = useState(String(settings.temperature));
  const [maxTokens, setMaxTokens] = useState(String(settings.maxTokens));
  const [contextSize, setContextSize] = useState(String(settings.contextSize));
  const [error, setError] = useState<string | null>(null);

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    try {
      const next = await call('settings:update', {
        systemPrompt, temperature: Number(temperature), maxTokens: Number(maxTokens), contextSize: Number(contextSize),
      });
      qc.setQueryData(queryKeys.settings, next);
      onClose();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <form className="settings" data-testid="settings-panel" onSubmit={(e) => void save(e)} aria-label="Settings">
      <label>
        System prompt
        <textarea value={systemPrompt} rows={3} onChange={(e) => setSystemPrompt(e.target.value)} />
      </label>
      <div className="settings-row">
        <label>
          Temperature
          <input type="number" min={0} max={2} step={0.1} value={temperature} onChange={(e) => setTemperature(e.target.value)} />
        </label>
        <label>
          Max answer length (tokens, 0 = no limit)
          <input data-testid="settings-max-tokens" type="number" min={0} step={1} value={maxTokens} onChange={(e) => setMaxTokens(e.target.value)} />
        </label>
        <label>
          Context size (tokens, 0 = largest that fits)
          <input type="number" min={0} step={256} value={contextSize} onChange={(e) => setContextSize(e.target.value)} />
        </label>
      </div>
      {error && <div className="picker-error" role="alert">{error}</div>}
      <div className="settings-actions">
        <button type="button" className="button button-ghost" onClick={onClose}>Cancel</button>
        <button type="submit" className="button button-primary" data-testid="settings-save">Save</button>
      </div>
    </form>
  );
}
