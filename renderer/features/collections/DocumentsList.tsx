import { useId, useState } from 'react';
import type { Collection, CollectionDocument } from '../../../shared/rag';
import { countByStatus, DOCUMENT_FILTERS, DOCUMENTS_SHOWN, type DocumentFilter, filterDocuments } from './documentFilter';
import { documentDetail, STATUS_LABEL } from './ingestText';
import { useCollectionDocuments } from './useCollections';

/**
 * The collection's documents with their statuses, problems first: a failed or skipped file says why in words
 * ("encrypted PDF: it needs a password"), never "indexed, 0 chunks".
 */
export function DocumentsList({ collection }: { collection: Collection }) {
  const docs = useCollectionDocuments(collection.id);
  const [filter, setFilter] = useState<DocumentFilter>('all');
  const filterId = useId();
  if (docs.error) {
    return (
      <p className="models-error" role="alert">
        Could not list the documents: {docs.error.message}
      </p>
    );
  }
  if (!docs.data) return <p className="muted small-text">Listing the documents…</p>;
  if (docs.data.length === 0) {
    return (
      <p className="muted small-text" data-testid="documents-empty">
        No documents yet.
      </p>
    );
  }
  const counts = countByStatus(docs.data);
  const problems = counts.failed + counts.skipped;
  const shown = filterDocuments(docs.data, filter);
  return (
    <div className="documents">
      <div className="documents-head">
        <label className="documents-filter" htmlFor={filterId}>
          Show
        </label>
        <select
          id={filterId}
          value={filter}
          onChange={(e) => setFilter(DOCUMENT_FILTERS.find((f) => f === e.target.value) ?? 'all')}
          data-testid="documents-filter"
        >
          <option value="all">All {docs.data.length.toLocaleString('en-US')} documents</option>
          {problems > 0 && <option value="problems">Failed or skipped ({problems.toLocaleString('en-US')})</option>}
          <option value="indexed">Indexed ({counts.indexed.toLocaleString('en-US')})</option>
          {counts.pending + counts.indexing > 0 && (
            <option value="waiting">Waiting ({(counts.pending + counts.indexing).toLocaleString('en-US')})</option>
          )}
        </select>
      </div>
      <ul className="documents-list" aria-label={`Documents in ${collection.name}`}>
        {shown.slice(0, DOCUMENTS_SHOWN).map((d) => (
          <DocumentRow key={d.id} doc={d} />
        ))}
      </ul>
      {shown.length > DOCUMENTS_SHOWN && (
        <p className="muted small-text">
          Showing {DOCUMENTS_SHOWN} of {shown.length.toLocaleString('en-US')}; problems come first.
        </p>
      )}
    </div>
  );
}

export function DocumentRow({ doc: d }: { doc: CollectionDocument }) {
  const problem = d.status === 'failed' || d.status === 'skipped';
  return (
    <li className="document" data-testid="document" data-status={d.status} data-name={d.fileName}>
      <span className={`doc-status doc-status-${d.status}`}>{STATUS_LABEL[d.status]}</span>
      <span className="document-name" title={d.path}>
        {d.fileName}
      </span>
      <span className={problem ? 'document-reason' : 'document-detail'} data-testid="document-detail">
        {documentDetail(d)}
      </span>
    </li>
  );
}
