import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { ImportResult, SearchHit } from '../../../shared/types';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { ConversationItem } from './ConversationItem';
import { importFile, saveFile } from './files';
import { jumpToMessage } from './jumpToMessage';
import { moveInResults, SearchResults } from './SearchResults';
import { SEARCH_INPUT_ID } from './shortcuts';

interface Props {
  selectedId: string | null;
  onSelect: (id: string | null) => void;
}

const plural = (n: number, what: string): string => `${n.toLocaleString()} ${what}${n === 1 ? '' : 's'}`;

/** What an import did, in a sentence. */
export function describeImport(r: ImportResult): string {
  const from = r.format === 'chatgpt' ? 'ChatGPT' : 'Hearth';
  let s = `Imported ${plural(r.conversations, 'chat')} with ${plural(r.messages, 'message')} from ${from}.`;
  if (r.branches)
    s += ` ${r.branches.toLocaleString()} other ${r.branches === 1 ? 'branch' : 'branches'} of ChatGPT chats came in as chats of their own, titled “… (branch N)”.`;
  if (r.skipped) s += ` ${plural(r.skipped, 'tool or hidden message')} left out.`;
  return s;
}

const isMac = (): boolean => /Mac|iPhone|iPad/.test(navigator.platform);

export function ConversationList({ selectedId, onSelect }: Props) {
  const [query, setQuery] = useState('');
  const q = useSettled(query.trim() ? query : '', 120);
  const all = useQuery({ queryKey: queryKeys.conversations, queryFn: () => call('conversations:list') });
  const found = useQuery({
    queryKey: queryKeys.search(q),
    queryFn: () => call('conversations:search', { query: q }),
    enabled: q.length > 0,
    placeholderData: (previous) => previous,
  });
  const [status, setStatus] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const searchInput = useRef<HTMLInputElement>(null);
  const results = useRef<HTMLUListElement>(null);
  const qc = useQueryClient();

  // Main's conversations:changed event refreshes the list (useMainEvents); only the deleted chat's own cache goes here.
  const rename = async (id: string, title: string): Promise<void> => {
    await call('conversations:rename', { id, title });
  };
  const remove = async (id: string): Promise<void> => {
    await call('conversations:delete', { id });
    if (id === selectedId) onSelect(null);
    qc.removeQueries({ queryKey: queryKeys.conversation(id) });
  };
  const pin = async (id: string, pinned: boolean): Promise<void> => {
    await call('conversations:pin', { id, pinned });
  };
  const exportOne = async (id: string | null, format: 'markdown' | 'json'): Promise<void> => {
    saveFile(await call('conversations:export', { id, format }));
  };
  const open = (hit: SearchHit): void => {
    if (hit.messageId) jumpToMessage(hit.messageId);
    onSelect(hit.conversationId);
  };
  const chooseFile = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    setBusy(true);
    setStatus({ text: `Importing ${file.name}…`, error: false });
    try {
      const r = await importFile(file, (f) => setStatus({ text: `Importing ${file.name}… ${Math.round(f * 100)}%`, error: false }));
      setStatus({ text: describeImport(r), error: false });
    } catch (e) {
      setStatus({ text: e instanceof Error ? e.message : String(e), error: true });
    } finally {
      setBusy(false);
      if (fileInput.current) fileInput.current.value = '';
    }
  };
  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Escape' && query) {
      e.preventDefault();
      setQuery('');
    } else if (e.key === 'Enter') {
      const first = found.data?.[0];
      if (first) open(first);
    } else {
      moveInResults(e, results.current, searchInput.current);
    }
  };

  const list = all.data ?? [];
  const pinnedCount = list.filter((c) => c.pinned).length;
  const key = isMac() ? '⌘' : 'Ctrl+';
  return (
    <nav className="conversations" aria-label="Conversations">
      <button
        type="button"
        className="button button-primary new-chat"
        data-testid="new-chat"
        title={`New chat (${key}N)`}
        onClick={() => onSelect(null)}
      >
        New chat
      </button>
      <input
        id={SEARCH_INPUT_ID}
        ref={searchInput}
        className="search"
        type="search"
        data-testid="search-input"
        placeholder={`Search chats (${key}K)`}
        aria-label="Search chats"
        aria-controls="search-results"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onSearchKey}
      />
      {q ? (
        <ul id="search-results" ref={results} className="search-results" aria-label="Search results">
          <SearchResults
            hits={found.data}
            loading={found.isFetching}
            error={found.error ? found.error.message : null}
            onOpen={open}
            onKeyDown={(e) => moveInResults(e, results.current, searchInput.current)}
          />
        </ul>
      ) : (
        <ul aria-label="Chats">
          {pinnedCount > 0 && (
            <li className="list-heading" aria-hidden="true">
              Pinned
            </li>
          )}
          {list.map((c, i) => (
            <ConversationItemGroup key={c.id} heading={pinnedCount > 0 && i === pinnedCount ? 'Chats' : null}>
              <ConversationItem
                conversation={c}
                selected={c.id === selectedId}
                onSelect={() => onSelect(c.id)}
                onRename={(title) => rename(c.id, title)}
                onDelete={() => remove(c.id)}
                onPin={(pinned) => pin(c.id, pinned)}
                onExport={(format) => exportOne(c.id, format)}
              />
            </ConversationItemGroup>
          ))}
          {all.data?.length === 0 && <li className="muted small">No chats yet.</li>}
        </ul>
      )}
      <div className="conversations-footer">
        <button
          type="button"
          className="button button-ghost button-small"
          data-testid="import-chats"
          disabled={busy}
          onClick={() => fileInput.current?.click()}
        >
          Import…
        </button>
        <button
          type="button"
          className="button button-ghost button-small"
          data-testid="export-all"
          disabled={busy || list.length === 0}
          onClick={() =>
            exportOne(null, 'json').catch((e: unknown) => setStatus({ text: e instanceof Error ? e.message : String(e), error: true }))
          }
        >
          Export all
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="import-file"
          aria-label="Import chats from a Hearth export or ChatGPT's conversations.json"
          onChange={(e) => void chooseFile(e.target.files?.[0])}
        />
      </div>
      {status && (
        <div
          className={status.error ? 'picker-error import-status' : 'small import-status'}
          role={status.error ? 'alert' : 'status'}
          data-testid="import-status"
        >
          {status.text}
        </div>
      )}
    </nav>
  );
}

/** A row, with the "Chats" heading before the first unpinned one when some are pinned. */
function ConversationItemGroup({ heading, children }: { heading: string | null; children: ReactNode }) {
  return (
    <>
      {heading && (
        <li className="list-heading" aria-hidden="true">
          {heading}
        </li>
      )}
      {children}
    </>
  );
}

/** `value` once it has stopped changing for `ms` (cleared at once), so a search runs per pause, not per keystroke. */
function useSettled(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return value ? settled : '';
}
