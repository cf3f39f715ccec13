import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { LibraryModel } from '../../../../shared/models';
import type { AppInfo } from '../../../../shared/types';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { canDropPaths } from '../../../api/filePath';

/** Adding a GGUF from elsewhere: the file dialog where the window has one, else its full path typed in. */
export function AddModel({ info }: { info: AppInfo | undefined }) {
  const qc = useQueryClient();
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const add = async (p: string): Promise<void> => {
    setError(null);
    setAdded(null);
    try {
      const model = await call('models:add', { path: p });
      qc.setQueryData<LibraryModel[]>(queryKeys.models, (old) => (old && !old.some((m) => m.path === model.path) ? [...old, model] : old));
      void qc.invalidateQueries({ queryKey: queryKeys.models });
      setPath('');
      setAdded(`Added ${model.fileName}.`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const pick = async (): Promise<void> => {
    setError(null);
    try {
      const picked = await call('models:pickFile');
      if (picked.path) await add(picked.path);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="add-model">
      {info?.canPickFiles ? (
        <button type="button" className="button button-small" onClick={() => void pick()} data-testid="add-model-pick">
          Add a GGUF file…
        </button>
      ) : (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (path.trim()) void add(path.trim());
            else setError('Type the full path of a .gguf file first.');
          }}
        >
          <label className="inline-field">
            Add a GGUF file by its full path
            <input
              value={path}
              placeholder="/full/path/to/model.gguf"
              onChange={(e) => setPath(e.target.value)}
              data-testid="add-model-path"
              spellCheck={false}
            />
          </label>
          <button type="submit" className="button button-small" data-testid="add-model-submit">
            Add
          </button>
        </form>
      )}
      <p className="muted small-text">
        {canDropPaths()
          ? 'Or drop a .gguf file anywhere on this window.'
          : 'A browser cannot tell Hearth where a dropped file is on disk: type its path here, or put the file in the models folder.'}
      </p>
      {added && <output className="picker-note">{added}</output>}
      {error && (
        <p className="picker-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
