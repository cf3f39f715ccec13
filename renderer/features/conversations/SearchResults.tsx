import type { KeyboardEvent } from 'react';
import type { SearchHit } from '../../../shared/types';
import { Highlighted } from './highlight';

interface Props {
  hits: SearchHit[] | undefined;
  loading: boolean;
  error: string | null;
  onOpen: (hit: SearchHit) => void;
  onKeyDown: (e: KeyboardEvent<HTMLButtonElement>) => void;
}

const ROLE = { user: 'You', assistant: 'Answer', system: 'System' } as const;

/** Moves between results with the arrow keys; Arrow Up from the first goes back to the search box. */
export function moveInResults(e: KeyboardEvent<HTMLElement>, list: HTMLElement | null, backTo: HTMLElement | null): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const items = [...(list?.querySelectorAll<HTMLElement>('[data-testid="search-result"]') ?? [])];
  const at = items.indexOf(document.activeElement as HTMLElement);
  const next = e.key === 'ArrowDown' ? items[at + 1] : at <= 0 ? backTo : items[at - 1];
  if (!next) return;
  e.preventDefault();
  next.focus();
}

/** Search results: matching titles, then messages, each with the passage that matched; opening one jumps to it. */
export function SearchResults({ hits, loading, error, onOpen, onKeyDown }: Props) {
  if (error) {
    return (
      <li className="picker-error" role="alert">
        {error}
      </li>
    );
  }
  if (!hits) return loading ? <li className="muted small">Searching…</li> : null;
  if (hits.length === 0) return <li className="muted small">No chat matches.</li>;
  return (
    <>
      {hits.map((h) => (
        <li key={`${h.conversationId}:${h.messageId ?? 'title'}`}>
          <button type="button" className="search-result" data-testid="search-result" onClick={() => onOpen(h)} onKeyDown={onKeyDown}>
            <span className="search-result-title">{h.messageId ? h.title : <Highlighted snippet={h.snippet} />}</span>
            {h.messageId && (
              <span className="search-result-snippet">
                <span className="search-result-role">{h.role ? ROLE[h.role] : ''}: </span>
                <Highlighted snippet={h.snippet} />
              </span>
            )}
          </button>
        </li>
      ))}
    </>
  );
}
