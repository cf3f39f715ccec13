import { useId, useRef, useState } from 'react';
import { useDismiss } from '../useDismiss';
import { citationLabel, citationPlace, shortSnippet } from './citationText';
import { useCitation } from './citationsContext';

/**
 * A `[n]` in an answer: a button that shows the source's file, page and snippet in a small popover, from which the
 * viewer opens at the passage. A number with no source behind it stays the text it was.
 */
export function CitationRef({ n }: { n: number }) {
  const found = useCitation(n);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const wrap = useRef<HTMLSpanElement>(null);
  const popoverId = useId();
  useDismiss(open, wrap, button, () => setOpen(false));
  if (!found) return <>{`[${n}]`}</>;
  const { citation: c } = found;
  return (
    <span className="citation-ref" ref={wrap}>
      <button
        type="button"
        ref={button}
        className="citation-mark"
        aria-label={citationLabel(c)}
        aria-expanded={open}
        aria-controls={open ? popoverId : undefined}
        data-testid="citation-mark"
        data-n={n}
        onClick={() => setOpen((o) => !o)}
      >
        {n}
      </button>
      {open && (
        <span className="citation-popover" id={popoverId} data-testid="citation-popover">
          <span className="citation-popover-place">{citationPlace(c)}</span>
          {c.heading && <span className="citation-popover-heading">{c.heading}</span>}
          <q className="citation-popover-snippet">{shortSnippet(c.snippet)}</q>
          <button
            type="button"
            className="button button-small"
            data-testid="citation-open"
            onClick={() => {
              // The focus goes back to the marker first, so the viewer returns it there when it closes.
              button.current?.focus();
              setOpen(false);
              found.open(c);
            }}
          >
            Show in the document
          </button>
        </span>
      )}
    </span>
  );
}
