import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { AppInfo, EngineState, Settings } from '../../../shared/types';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { SwitchChoice, SwitchNotes } from './common/SwitchChoice';
import { formatBytes } from './common/format';
import { chatModels, modelsDirOf } from './common/library';
import { useModelSwitch } from './common/useModelSwitch';
import { ModelMenu } from './ModelMenu';

interface Props {
  info: AppInfo | undefined;
  engine: EngineState | undefined;
  settings: Settings | undefined;
}

const OPEN = '__open__';
/** The picker's element id, so other parts of the page can lead the user to it. */
export const MODEL_PICKER_ID = 'model-picker';

/** The GGUF files of the models folder plus files opened by hand; choosing one loads it. */
export function ModelPicker({ info, engine, settings }: Props) {
  const qc = useQueryClient();
  const models = useQuery({ queryKey: queryKeys.models, queryFn: () => call('models:list') });
  const [typing, setTyping] = useState(false);
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
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
  const model = useModelSwitch(current);
  const choose = (p: string): Promise<void> => {
    setError(null);
    return model.choose(p);
  };
  const add = async (p: string): Promise<void> => {
    setError(null);
    try {
      const file = await call('models:add', { path: p });
      await qc.invalidateQueries({ queryKey: queryKeys.models });
      setTyping(false);
      setPath('');
      await model.load(file.path);
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
        placeholder={
          chatModels(models.data).length ? 'Choose a model…' : `No models in ${modelsDirOf(info, settings) ?? 'the models folder'}`
        }
        options={[
          ...chatModels(models.data).map((m) => ({ value: m.path, label: `${m.fileName} (${formatBytes(m.sizeBytes)})` })),
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
      <SwitchChoice model={model} />
      <SwitchNotes model={model} />
      {error && (
        <div className="picker-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
