import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Collection, IngestState } from '../../../shared/rag';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { mergeIngest } from './ingestCache';
import { ingestShare, ingestText, isRunning } from './ingestText';
import { messageOf } from './useCollections';

/**
 * A collection's ingestion: the bar (files done of found), the line (files, chunks, rate, ETA), the file being read,
 * and Cancel while it runs; "Check for changes" and "Re-index everything" when it does not.
 */
export function IngestProgress({ collection }: { collection: Collection }) {
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const s = collection.ingest;
  const running = isRunning(s);
  const share = ingestShare(s);
  const apply = (next: IngestState): void => {
    qc.setQueryData<Collection[]>(queryKeys.collections, (old) => (old ? mergeIngest(old, next) : old));
  };
  const act = async (what: () => Promise<IngestState>): Promise<void> => {
    setError(null);
    try {
      apply(await what());
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const name = collection.name;
  return (
    <div className="ingest" data-testid="ingest" data-state={s.state}>
      {running && (
        <progress
          className="download-bar"
          max={1}
          // No value while the total is unknown: an indeterminate bar, which says "working" without a number.
          {...(share !== null ? { value: share } : {})}
          aria-label={`Indexing ${name}`}
          aria-valuetext={share !== null ? `${Math.floor(share * 100)}%` : 'looking for files'}
          data-testid="ingest-bar"
        />
      )}
      <span
        className={s.state === 'failed' ? 'download-error' : 'download-text'}
        role={s.state === 'failed' ? 'alert' : undefined}
        data-testid="ingest-text"
      >
        {running && share !== null ? `${Math.floor(share * 100)}% · ` : ''}
        {ingestText(s)}
      </span>
      {running && s.current && (
        <span className="ingest-current muted small-text" title={s.current} data-testid="ingest-current">
          Reading {s.current.split(/[\\/]/).pop()}
        </span>
      )}
      <div className="download-actions">
        {/* One button that changes its job, so the focus stays on it as Cancel turns into "Check for changes". */}
        <button
          type="button"
          className="button button-small"
          data-testid={running ? 'ingest-cancel' : 'ingest-reindex'}
          title={running ? 'Stops; what was indexed stays' : 'Reads again only the files whose content changed'}
          onClick={() =>
            void act(() =>
              running ? call('collections:cancel', { id: collection.id }) : call('collections:reindex', { id: collection.id }),
            )
          }
        >
          {running ? 'Cancel' : 'Check for changes'}
        </button>
        {!running && (
          <button
            type="button"
            className="button button-small button-ghost"
            data-testid="ingest-reindex-full"
            title="Reads and embeds every file again"
            onClick={() => void act(() => call('collections:reindex', { id: collection.id, full: true }))}
          >
            Re-index everything
          </button>
        )}
      </div>
      {error && (
        <p className="picker-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
