import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import type { Collection } from '../../../shared/rag';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { useFocusOnMount } from '../models/common/useFocusOnMount';
import { collectionsNav } from './collectionsNav';
import { messageOf } from './useCollections';

type Mode = 'view' | 'rename' | 'confirm-delete';

/** The collection's name, renamed in place, and Delete after a confirmation that says the files stay. */
export function CollectionHeader({ collection: c, headingId }: { collection: Collection; headingId: string }) {
  const qc = useQueryClient();
  const [mode, setMode] = useState<Mode>('view');
  const [name, setName] = useState(c.name);
  const [error, setError] = useState<string | null>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const errorId = useId();

  const rename = async (): Promise<void> => {
    const next = name.trim();
    if (!next) {
      setError('A collection needs a name.');
      return;
    }
    if (next === c.name) {
      setMode('view');
      return;
    }
    setError(null);
    try {
      const renamed = await call('collections:rename', { id: c.id, name: next });
      qc.setQueryData<Collection[]>(queryKeys.collections, (old) => old?.map((x) => (x.id === renamed.id ? renamed : x)));
      setMode('view');
      requestAnimationFrame(() => renameButton.current?.focus());
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const remove = async (): Promise<void> => {
    setError(null);
    try {
      await call('collections:delete', { id: c.id });
      qc.setQueryData<Collection[]>(queryKeys.collections, (old) => old?.filter((x) => x.id !== c.id));
      void qc.invalidateQueries({ queryKey: queryKeys.collections, exact: true });
      void qc.invalidateQueries({ queryKey: queryKeys.anyConversationCollections });
      collectionsNav.select(null);
    } catch (e) {
      setError(messageOf(e));
      setMode('view');
    }
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      setName(c.name);
      setError(null);
      setMode('view');
      requestAnimationFrame(() => renameButton.current?.focus());
    }
  };

  return (
    <div className="collection-header">
      {mode === 'rename' ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void rename();
          }}
        >
          <RenameInput value={name} onChange={setName} onKeyDown={onKey} describedBy={error ? errorId : undefined} />
          <button type="submit" className="button button-small button-primary" data-testid="collection-rename-save">
            Save
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              setName(c.name);
              setMode('view');
            }}
          >
            Cancel
          </button>
        </form>
      ) : (
        <>
          <h3 className="collection-title" id={headingId} data-testid="collection-title">
            {c.name}
          </h3>
          <div className="library-actions">
            <button
              type="button"
              className="button button-small button-ghost"
              ref={renameButton}
              data-testid="collection-rename"
              onClick={() => {
                setName(c.name);
                setMode('rename');
              }}
            >
              Rename
            </button>
            <button
              type="button"
              className="button button-small button-ghost danger-text"
              data-testid="collection-delete"
              onClick={() => setMode('confirm-delete')}
            >
              Delete…
            </button>
          </div>
        </>
      )}
      {mode === 'confirm-delete' && <DeleteConfirm name={c.name} onYes={() => void remove()} onNo={() => setMode('view')} />}
      {error && (
        <p className="picker-error" role="alert" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

function RenameInput(props: {
  value: string;
  onChange: (v: string) => void;
  onKeyDown: (e: KeyboardEvent<HTMLInputElement>) => void;
  describedBy: string | undefined;
}) {
  const ref = useFocusOnMount<HTMLInputElement>();
  return (
    <input
      ref={ref}
      className="rename-input"
      aria-label="Collection name"
      maxLength={100}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      onKeyDown={props.onKeyDown}
      aria-describedby={props.describedBy}
      data-testid="collection-rename-input"
    />
  );
}

function DeleteConfirm({ name, onYes, onNo }: { name: string; onYes: () => void; onNo: () => void }) {
  const no = useFocusOnMount<HTMLButtonElement>();
  return (
    <div className="delete-confirm" role="alertdialog" aria-label={`Delete ${name}`} data-testid="collection-delete-confirm">
      Delete “{name}” and its index? Your files are not touched.
      <button type="button" className="button button-small button-danger" onClick={onYes} data-testid="collection-delete-yes">
        Delete
      </button>
      <button type="button" className="button button-small" ref={no} onClick={onNo} onKeyDown={(e) => e.key === 'Escape' && onNo()}>
        Keep
      </button>
    </div>
  );
}
