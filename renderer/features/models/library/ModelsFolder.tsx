import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';

/** Where models are kept, and changing it (a folder that exists or can be made, and that Hearth can write to). */
export function ModelsFolder({ dir, isDefault }: { dir: string | undefined; isDefault: boolean }) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // The field appears because the user asked for it: the caret goes there.
  useEffect(() => {
    if (editing) input.current?.focus();
  }, [editing]);
  const set = async (p: string | null): Promise<void> => {
    setError(null);
    try {
      await call('models:setFolder', { path: p });
      setEditing(false);
      setPath('');
      // The settings event brings the new folder's name; the library and free space are the new folder's.
      void qc.invalidateQueries({ queryKey: queryKeys.settings });
      void qc.invalidateQueries({ queryKey: queryKeys.models });
      void qc.invalidateQueries({ queryKey: queryKeys.machine });
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div className="models-folder">
      <span>
        Models folder: <code data-testid="models-folder">{dir ?? '…'}</code>
        {isDefault ? ' (the default)' : ''}
      </span>
      {!editing && (
        <button type="button" className="button button-small" onClick={() => setEditing(true)} data-testid="models-folder-change">
          Change
        </button>
      )}
      {!isDefault && !editing && (
        <button type="button" className="button button-small button-ghost" onClick={() => void set(null)}>
          Use the default folder
        </button>
      )}
      {editing && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (path.trim()) void set(path.trim());
            else setError('Type the full path of a folder first.');
          }}
        >
          <label className="inline-field">
            New models folder
            <input
              ref={input}
              value={path}
              placeholder="/full/path/to/folder"
              onChange={(e) => setPath(e.target.value)}
              data-testid="models-folder-input"
              spellCheck={false}
            />
          </label>
          <button type="submit" className="button button-small">
            Use this folder
          </button>
          <button type="button" className="button button-small button-ghost" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <p className="picker-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
