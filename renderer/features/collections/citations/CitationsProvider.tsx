import { useMemo, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { Citation } from '../../../../shared/rag';
import { CitationsContext } from './citationsContext';
import { CitationViewer } from './CitationViewer';

const NONE: readonly Citation[] = [];

/** An answer's sources for its [n] markers and its source list, and the viewer they open. */
export function CitationsProvider({ citations, children }: { citations: readonly Citation[] | undefined; children: ReactNode }) {
  const [viewing, setViewing] = useState<Citation | null>(null);
  const list = citations ?? NONE;
  const value = useMemo(() => ({ citations: list, open: setViewing }), [list]);
  return (
    <CitationsContext value={value}>
      {children}
      {/* Outside the chat's live log, so a screen reader does not read the document out as a new message. */}
      {viewing && createPortal(<CitationViewer key={viewing.n} citation={viewing} onClose={() => setViewing(null)} />, document.body)}
    </CitationsContext>
  );
}
