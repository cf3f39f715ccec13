import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { AppInfo, EngineState, Settings } from '../../../shared/types';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { ModelMenu } from './ModelMenu';

interface Props {
  info: AppInfo | undefined;
  engine: EngineState | undefined;
  settings: Settings | undefined;
}

const OPEN = '__open__';
/** The picker's element id, so other parts of the page can lead the user to it. */
export const MODEL_PICKER_ID = 'model-picker';

function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

/** The GGUF files of the models folder plus files opened by hand; choosing one loads it. */
export function ModelPicker({ info, engine, settings }: Props) {
  const qc = useQueryClient();
  const models = useQuery({ queryKey: queryKeys.models, queryFn: () => call('models:list') });
  const [typing, setTyping] = useState(false);
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  /** A switch asked for while answers are being written: the user says whether they finish or stop. */
  const [pending, setPending] = useState<{ path: string; answers: number } | null>(null);
  const [waiting, setWaiting] = useState<number>(0);
  const pathInput = useRef<HTMLInputElement>(null);
  // The user just asked to type a path: put the caret there.
  useEffect(() => {
    if (typing) pathInput.current?.focus();
  }, [typing]);
  const current =
    engine?.status === 'ready'
      ? engine.model.path
      : engine?.status === 'loading' || engine?.status === 'failed'
        ? engine.path
        : (settings?.selectedModelPath ?? '');

  const load = async (p: string, whileAnswering: 'wait' | 'stop' = 'wait', answers = 0): Promise<void> => {
    setError(null);
    setPending(null);
    setWaiting(whileAnswering === 'wait' ? answers : 0);
    try {
      await call('models:load', { path: p, whileAnswering });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setWaiting(0);
    }
  };
  const escape = (e: { key: string }): void => {
    if (e.key === 'Escape') setPending(null);
  };
  /** Never stops an answer silently: with answers being written, the user chooses. */
  const choose = async (p: string): Promise<void> => {
    if (p === current) return;
    // Waiting answers will simply run on the new model; only those being written are the user's to decide.
    const answers = (await call('chat:active').catch(() => [])).filter((a) => a.ahead === 0).length;
    if (answers > 0) setPending({ path: p, answers });
    else await load(p);
  };
  const add = async (p: string): Promise<void> => {
    setError(null);
    try {
      const file = await call('models:add', { path: p });
      await qc.invalidateQueries({ queryKey: queryKeys.models });
      setTyping(false);
      setPath('');
      await load(file.path);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const onChange = async (value: string): Promise<void> => {
    if (value !== OPEN) return choose(value);
    if (info?.canPickFiles) {
      const picked = await call('models:pickFile');
      if (picked.path) await add(picked.path);
    } else {
      setTyping(true);
    }
  };

  return (
    <div className="model-picker">
      <ModelMenu
        id={MODEL_PICKER_ID}
        value={current ?? ''}
        placeholder={models.data?.length ? 'Choose a model…' : `No models in ${info?.modelsDir ?? 'the models folder'}`}
        options={[
          ...(models.data ?? []).map((m) => ({ value: m.path, label: `${m.fileName} (${formatSize(m.sizeBytes)})` })),
          { value: OPEN, label: 'Open a GGUF file…' },
        ]}
        onOpen={() => void qc.invalidateQueries({ queryKey: queryKeys.models })}
        onSelect={(v) => void onChange(v)}
      />
      {typing && (
        <form
          className="path-form"
          onSubmit={(e) => {
            e.preventDefault();
            void add(path.trim());
          }}
        >
          <input
            ref={pathInput}
            aria-label="Path of a .gguf file"
            placeholder="/full/path/to/model.gguf"
            value={path}
            onChange={(e) => setPath(e.target.value)}
          />
          <button className="button" type="submit" disabled={!path.trim()}>
            Open
          </button>
          <button className="button button-ghost" type="button" onClick={() => setTyping(false)}>
            Cancel
          </button>
        </form>
      )}
      {pending && (
        <div className="switch-choice" role="alertdialog" aria-label="Switch models" data-testid="switch-choice">
          <span>{pending.answers === 1 ? '1 answer is' : `${pending.answers} answers are`} still being written.</span>
          <button
            className="button"
            type="button"
            onKeyDown={escape}
            onClick={() => void load(pending.path, 'wait', pending.answers)}
            ref={(el) => el?.focus()}
          >
            Let {pending.answers === 1 ? 'it' : 'them'} finish, then switch
          </button>
          <button className="button" type="button" onKeyDown={escape} onClick={() => void load(pending.path, 'stop')}>
            Stop {pending.answers === 1 ? 'it' : 'them'} and switch
          </button>
          <button className="button button-ghost" type="button" onKeyDown={escape} onClick={() => setPending(null)}>
            Cancel
          </button>
        </div>
      )}
      {waiting > 0 && (
        <output className="picker-note">Switching once {waiting === 1 ? 'the answer finishes' : 'the answers finish'}…</output>
      )}
      {error && (
        <div className="picker-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
