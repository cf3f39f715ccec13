import { useRef, useState, type KeyboardEvent } from 'react';
import type { Conversation } from '../../../shared/types';

interface Props {
  conversation: Conversation;
  selected: boolean;
  onSelect: () => void;
  onRename: (title: string) => Promise<void>;
  onDelete: () => Promise<void>;
}

type Mode = 'view' | 'rename' | 'confirm-delete';

/** Line icons drawn here, so they never depend on an emoji font being installed. */
function Icon({ d }: { d: string[] }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width="14"
      height="14"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {d.map((path) => (
        <path key={path} d={path} />
      ))}
    </svg>
  );
}
const PENCIL = ['M12 20h9', 'M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4Z'];
const TRASH = ['M3 6h18', 'M8 6V4h8v2', 'M19 6l-1 14H6L5 6', 'M10 11v6', 'M14 11v6'];

/** One row of the conversation list: open it, rename it in place, or delete it after a confirmation. */
export function ConversationItem({ conversation, selected, onSelect, onRename, onDelete }: Props) {
  const [mode, setMode] = useState<Mode>('view');
  const [title, setTitle] = useState(conversation.title);
  const [error, setError] = useState<string | null>(null);
  // Enter and Escape settle the edit; the blur that follows when the input goes away must not settle it again.
  const settled = useRef(false);

  const run = async (action: () => Promise<void>): Promise<void> => {
    setError(null);
    try {
      await action();
      setMode('view');
    } catch (e) {
      settled.current = false;
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const save = (): Promise<void> => {
    if (settled.current) return Promise.resolve();
    settled.current = true;
    const next = title.trim();
    if (!next || next === conversation.title) {
      setMode('view');
      return Promise.resolve();
    }
    return run(() => onRename(next));
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') void save();
    if (e.key === 'Escape') {
      settled.current = true;
      setMode('view');
    }
  };

  if (mode === 'rename') {
    return (
      <li className="conversation-row editing">
        <input
          className="rename-input"
          data-testid="rename-input"
          aria-label="Chat title"
          maxLength={200}
          // The user just asked to rename: the field takes the focus it was opened for.
          ref={(el) => el?.focus()}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          onKeyDown={onKey}
          onBlur={() => void save()}
        />
        {error && (
          <div className="picker-error" role="alert">
            {error}
          </div>
        )}
      </li>
    );
  }

  if (mode === 'confirm-delete') {
    return (
      <li className="conversation-row confirming" data-testid="delete-confirm">
        <span className="small">Delete “{conversation.title}”? This cannot be undone.</span>
        <div className="row-actions-inline">
          <button
            type="button"
            className="button button-danger button-small"
            data-testid="delete-confirm-yes"
            onClick={() => void run(onDelete)}
          >
            Delete
          </button>
          <button type="button" className="button button-small" onClick={() => setMode('view')}>
            Cancel
          </button>
        </div>
        {error && (
          <div className="picker-error" role="alert">
            {error}
          </div>
        )}
      </li>
    );
  }

  return (
    <li className={`conversation-row ${selected ? 'selected' : ''}`} data-testid="conversation-row">
      <button type="button" data-testid="conversation-item" className="conversation" onClick={onSelect} title={conversation.title}>
        {conversation.title}
      </button>
      <span className="row-actions">
        <button
          type="button"
          className="icon-button"
          data-testid="rename-chat"
          aria-label={`Rename “${conversation.title}”`}
          title="Rename"
          onClick={() => {
            settled.current = false;
            setTitle(conversation.title);
            setMode('rename');
          }}
        >
          <Icon d={PENCIL} />
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="delete-chat"
          aria-label={`Delete “${conversation.title}”`}
          title="Delete"
          onClick={() => setMode('confirm-delete')}
        >
          <Icon d={TRASH} />
        </button>
      </span>
    </li>
  );
}
