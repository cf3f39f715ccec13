import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { SamplingParams, Settings } from '../../../shared/types';
import { call } from '../../api/client';

export const presetsKey = ['presets'] as const;
export const paramsKey = (id: string) => ['conversationParams', id] as const;

interface Props {
  /** The open conversation; null for a chat not started yet (nothing to set until its first message). */
  conversationId: string | null;
  settings: Settings | undefined;
}

type Field = keyof SamplingParams;
const FIELDS: { key: Field; label: string; step: number; min: number; max?: number; integer?: boolean }[] = [
  { key: 'temperature', label: 'Temperature', step: 0.1, min: 0, max: 2 },
  { key: 'topP', label: 'Top-p', step: 0.05, min: 0, max: 1 },
  { key: 'topK', label: 'Top-k', step: 1, min: 0, integer: true },
  { key: 'minP', label: 'Min-p', step: 0.01, min: 0, max: 1 },
  { key: 'repeatPenalty', label: 'Repeat penalty', step: 0.05, min: 0, max: 10 },
  { key: 'maxTokens', label: 'Max tokens (0 = no limit)', step: 1, min: 0, integer: true },
  { key: 'seed', label: 'Seed', step: 1, min: 0, integer: true },
];

/**
 * This chat's preset and sampling, in a popover from the top bar. An empty field inherits: the global setting
 * (temperature, max tokens) or the engine's default. Save sends only what the user changed.
 */
export function ChatParams({ conversationId, settings }: Props) {
  // Open for one conversation: switching chats closes it.
  const [openFor, setOpenFor] = useState<string | null>(null);
  const open = openFor !== null && openFor === conversationId;
  const button = useRef<HTMLButtonElement>(null);
  const close = (): void => {
    setOpenFor(null);
    button.current?.focus();
  };
  return (
    <span className="chat-params">
      <button
        type="button"
        ref={button}
        className="button button-ghost chat-params-button"
        data-testid="chat-params-open"
        aria-expanded={open}
        disabled={!conversationId}
        title={conversationId ? "This chat's preset and sampling" : 'Send a message first: parameters belong to a chat'}
        onClick={() => setOpenFor(open ? null : conversationId)}
      >
        Parameters
      </button>
      {open && conversationId && <ParamsForm conversationId={conversationId} settings={settings} onClose={close} />}
    </span>
  );
}

function ParamsForm({
  conversationId,
  settings,
  onClose,
}: {
  conversationId: string;
  settings: Settings | undefined;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const presets = useQuery({ queryKey: presetsKey, queryFn: () => call('presets:list') });
  const params = useQuery({ queryKey: paramsKey(conversationId), queryFn: () => call('conversations:params', { id: conversationId }) });
  const [edits, setEdits] = useState<Partial<Record<Field | 'presetId' | 'systemPrompt', string>>>({});
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const p = params.data;
  const shown = (key: Field): string => edits[key] ?? (p?.sampling[key] == null ? '' : String(p.sampling[key]));
  const inherited = (key: Field): string =>
    key === 'temperature' && settings
      ? `${settings.temperature} (global)`
      : key === 'maxTokens' && settings
        ? `${settings.maxTokens} (global)`
        : 'default';

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    const sampling: Partial<SamplingParams> = {};
    for (const { key } of FIELDS) {
      const v = edits[key];
      if (v === undefined) continue;
      sampling[key] = v.trim() === '' ? null : Number(v);
    }
    try {
      const next = await call('conversations:setParams', {
        id: conversationId,
        sampling,
        ...(edits.presetId !== undefined ? { presetId: edits.presetId || null } : {}),
        ...(edits.systemPrompt !== undefined ? { systemPrompt: edits.systemPrompt.trim() ? edits.systemPrompt : null } : {}),
      });
      qc.setQueryData(paramsKey(conversationId), next);
      onClose();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <form
      className="settings chat-params-popover"
      data-testid="chat-params"
      aria-label="Chat parameters"
      onSubmit={(e) => void save(e)}
      ref={(el) => el?.querySelector('select')?.focus()}
    >
      <label>
        Preset
        <select
          data-testid="chat-params-preset"
          value={edits.presetId ?? p?.presetId ?? ''}
          onChange={(e) => setEdits((o) => ({ ...o, presetId: e.target.value }))}
        >
          <option value="">None (the global system prompt)</option>
          {presets.data?.map((preset) => (
            <option key={preset.id} value={preset.id}>
              {preset.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        System prompt for this chat (empty: the preset&apos;s, or the global one)
        <textarea
          rows={2}
          data-testid="chat-params-system"
          value={edits.systemPrompt ?? p?.systemPrompt ?? ''}
          onChange={(e) => setEdits((o) => ({ ...o, systemPrompt: e.target.value }))}
        />
      </label>
      <div className="chat-params-grid">
        {FIELDS.map((f) => (
          <label key={f.key}>
            {f.label}
            <input
              type="number"
              data-testid={`chat-params-${f.key}`}
              min={f.min}
              max={f.max}
              step={f.step}
              placeholder={inherited(f.key)}
              value={shown(f.key)}
              onChange={(e) => setEdits((o) => ({ ...o, [f.key]: e.target.value }))}
            />
          </label>
        ))}
      </div>
      {error && (
        <div className="picker-error" role="alert">
          {error}
        </div>
      )}
      <div className="settings-actions">
        <button type="button" className="button button-ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" data-testid="chat-params-save" disabled={!p}>
          Save
        </button>
      </div>
    </form>
  );
}
