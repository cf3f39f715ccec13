import { useContext, useId, useState } from 'react';
import type { Citation } from '../../../../shared/rag';
import type { Message } from '../../../../shared/types';
import { citationLabel, citationPlace, shortSnippet } from './citationText';
import { CitationsContext } from './citationsContext';

/**
 * Under an answer drawn from the conversation's collections: its sources, numbered as the answer cites them, each
 * with file, page and snippet, each opening the viewer; or, when the search found nothing relevant (an empty list),
 * a line that says so.
 */
/** Sources listed before "Show all": an answer stays short, and every [n] still opens its own. */
export const SOURCES_SHOWN = 3;

export function AnswerSources({ message }: { message: Message }) {
  const ctx = useContext(CitationsContext);
  const headingId = useId();
  const listId = useId();
  const [all, setAll] = useState(false);
  if (message.role !== 'assistant' || !message.citations || !ctx) return null;
  if (message.citations.length === 0) {
    if (message.status === 'streaming') return null;
    return (
      <p className="no-passages" data-testid="no-passages">
        No relevant passages were found in this chat's collections, so this answer does not draw on them.
      </p>
    );
  }
  return (
    <section className="answer-sources" aria-labelledby={headingId} data-testid="answer-sources">
      <h4 className="answer-sources-heading" id={headingId}>
        Sources
      </h4>
      <ol className="answer-sources-list" id={listId}>
        {(all ? message.citations : message.citations.slice(0, SOURCES_SHOWN)).map((c) => (
          <SourceItem key={c.n} citation={c} onOpen={ctx.open} />
        ))}
      </ol>
      {message.citations.length > SOURCES_SHOWN && (
        <button
          type="button"
          className="link-button answer-sources-more"
          aria-expanded={all}
          aria-controls={listId}
          data-testid="sources-more"
          onClick={() => setAll((a) => !a)}
        >
          {all ? 'Show fewer' : `Show all ${message.citations.length} sources`}
        </button>
      )}
    </section>
  );
}

function SourceItem({ citation: c, onOpen }: { citation: Citation; onOpen: (c: Citation) => void }) {
  const snippetId = useId();
  return (
    <li className="answer-source">
      <button
        type="button"
        className="answer-source-button"
        aria-label={`${citationLabel(c)}. Show in the document`}
        aria-describedby={snippetId}
        data-testid="citation"
        data-n={c.n}
        onClick={() => onOpen(c)}
      >
        <span className="citation-n" aria-hidden="true">
          {c.n}
        </span>
        <span className="answer-source-place">{citationPlace(c)}</span>
        {c.heading && <span className="answer-source-heading">{c.heading}</span>}
      </button>
      <p className="answer-source-snippet" id={snippetId}>
        {shortSnippet(c.snippet)}
      </p>
    </li>
  );
}
