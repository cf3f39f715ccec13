import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import type { Citation } from '../../../../shared/rag';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { messageOf } from '../useCollections';
import { splitAtHighlight } from './citationText';

/**
 * A cited passage in its document, in a modal dialog: the page (PDF) or the text around the passage, the passage
 * marked and scrolled to. On the desktop "Open in app" opens the file in the system's app for it; a browser is told
 * where the file is. The text is shown as text, never as HTML.
 */
export function CitationViewer({ citation: c, onClose }: { citation: Citation; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const mark = useRef<HTMLElement>(null);
  const titleId = useId();
  const [openError, setOpenError] = useState<string | null>(null);
  const info = useQuery({ queryKey: queryKeys.appInfo, queryFn: () => call('app:getInfo') });
  const view = useQuery({
    queryKey: queryKeys.documentView(c.documentId, c.charStart, c.charEnd),
    queryFn: () => call('documents:view', { documentId: c.documentId, charStart: c.charStart, charEnd: c.charEnd }),
    retry: false,
  });
  // Modal: the page behind is inert and the focus stays inside; on close it goes back where it came from.
  useEffect(() => {
    const back = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => {
      if (d?.open) d.close();
      back?.focus();
    };
  }, []);
  useEffect(() => {
    if (view.data) mark.current?.scrollIntoView({ block: 'center' });
  }, [view.data]);
  const openExternal = async (): Promise<void> => {
    setOpenError(null);
    try {
      await call('documents:openExternal', { documentId: c.documentId });
    } catch (e) {
      setOpenError(messageOf(e));
    }
  };
  const v = view.data;
  const parts = v ? splitAtHighlight(v.text, v.highlight.start, v.highlight.end) : null;
  const page = v?.page ?? c.page;
  const pages = v?.pages ?? null;
  return (
    <dialog
      ref={dialog}
      className="citation-viewer"
      aria-labelledby={titleId}
      data-testid="citation-viewer"
      // Escape (the dialog's cancel) closes it through React, so the state and the focus follow.
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="viewer-head">
        <div className="viewer-title">
          <h2 id={titleId} className="viewer-name">
            <span className="citation-n" aria-hidden="true">
              {c.n}
            </span>{' '}
            {c.fileName}
          </h2>
          <p className="muted small-text" data-testid="viewer-place">
            {page !== null ? `Page ${page}${pages !== null ? ` of ${pages}` : ''}` : 'Text around the passage'}
            {c.heading ? ` · ${c.heading}` : ''}
          </p>
        </div>
        <button type="button" className="button button-small" onClick={onClose} data-testid="viewer-close">
          Close
        </button>
      </div>
      <div className="viewer-body" data-testid="viewer-text">
        {view.isPending && <p className="muted">Reading the document…</p>}
        {view.error && (
          <p className="models-error" role="alert">
            Could not show this passage: {view.error.message}
          </p>
        )}
        {parts && (
          <div className="viewer-text">
            {parts.before}
            <mark ref={mark} className="viewer-mark" data-testid="viewer-mark">
              {parts.passage}
            </mark>
            {parts.after}
          </div>
        )}
      </div>
      <div className="viewer-foot">
        <code className="viewer-path" title={c.path}>
          {c.path}
        </code>
        {info.data?.shell === 'desktop' && (
          <button type="button" className="button button-small" onClick={() => void openExternal()} data-testid="viewer-open-external">
            Open in app
          </button>
        )}
      </div>
      {openError && (
        <p className="picker-error" role="alert">
          {openError}
        </p>
      )}
    </dialog>
  );
}
