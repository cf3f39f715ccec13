import { useCallback, useRef, useState, type KeyboardEvent } from 'react';
import type { ConversationSummary } from '../../../shared/types';

interface Props {
  conversation: ConversationSummary;
  selected: boolean;
  onSelect: () => void;
  onRename: (title: string) => Promise<void>;
  onDelete: () => Promise<void>;
  onPin: (pinned: boolean) => Promise<void>;
  onExport: (format: 'markdown' | 'json') => Promise<void>;
}

type Mode = 'view' | 'rename' | 'confirm-delete' | 'export';

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
const PIN = ['M12 17v5', 'M9 10.8V4h6v6.8l3 3.2H6Z', 'M8 4h8'];
const DOWNLOAD = ['M12 4v11', 'M7 10l5 5 5-5', 'M5 20h14'];

/** One row of the conversation list: open it, pin it, export it, rename it in place, or delete it after a confirmation. */
export function ConversationItem({ conversation, selected, onSelect, onRename, onDelete, onPin, onExport }: Props) {
  const [mode, setMode] = useState<Mode>('view');
  const [title, setTitle] = useState(conversation.title);
  const [error, setError] = useState<string | null>(null);
  // Enter and Escape settle the edit; the blur that follows when the input goes away must not settle it again.
  const settled = useRef(false);
  // Stable, so it focuses once when its element appears, not again on every render.
  const focusOnMount = useCallback((el: HTMLElement | null) => el?.focus(), []);

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
      // Escape is taken here: it does not also stop an answer.
      e.preventDefault();
      settled.current = true;
      setMode('view');
    }
  };

  const errorLine = error && (
    <div className="picker-error" role="alert">
      {error}
    </div>
  );

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
        {errorLine}
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
        {errorLine}
      </li>
    );
  }

  if (mode === 'export') {
    return (
      <li className="conversation-row confirming" data-testid="export-choice">
        <span className="small">Export “{conversation.title}” as</span>
        <div className="row-actions-inline">
          <button
            type="button"
            className="button button-small"
            // The choice takes the focus the export button had (that button is gone now).
            ref={focusOnMount}
            data-testid="export-markdown"
            onClick={() => void run(() => onExport('markdown'))}
          >
            Markdown
          </button>
          <button type="button" className="button button-small" data-testid="export-json" onClick={() => void run(() => onExport('json'))}>
            JSON
          </button>
          <button type="button" className="button button-ghost button-small" onClick={() => setMode('view')}>
            Cancel
          </button>
        </div>
        {errorLine}
      </li>
    );
  }

  const { pinned } = conversation;
  return (
    <li className={`conversation-row ${selected ? 'selected' : ''} ${pinned ? 'pinned' : ''}`} data-testid="conversation-row">
      <button
        type="button"
        data-testid="conversation-item"
        className="conversation"
        onClick={onSelect}
        title={conversation.title}
        aria-current={selected ? 'page' : undefined}
      >
        {pinned && (
          <span className="pin-mark" data-testid="pinned-mark" title="Pinned">
            <Icon d={PIN} />
          </span>
        )}
        {conversation.title}
      </button>
      <span className="row-actions">
        <button
          type="button"
          className="icon-button"
          data-testid="pin-chat"
          aria-pressed={pinned}
          aria-label={`${pinned ? 'Unpin' : 'Pin'} “${conversation.title}”`}
          title={pinned ? 'Unpin' : 'Pin to the top'}
          onClick={() => void run(() => onPin(!pinned))}
        >
          <Icon d={PIN} />
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="export-chat"
          aria-label={`Export “${conversation.title}”`}
          title="Export"
          onClick={() => setMode('export')}
        >
          <Icon d={DOWNLOAD} />
        </button>
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
      {error && (
        <div className="picker-error row-error" role="alert">
          {error}
        </div>
      )}
    </li>
  );
}
