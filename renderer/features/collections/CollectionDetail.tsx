import { useId } from 'react';
import type { Collection } from '../../../shared/rag';
import type { AppInfo } from '../../../shared/types';
import { AddSource } from './AddSource';
import { CollectionHeader } from './CollectionHeader';
import { DocumentsList } from './DocumentsList';
import { IngestProgress } from './IngestProgress';
import { statsText } from './ingestText';
import { SourcesList } from './SourcesList';

/** One collection: its name, its ingestion, the folders and files it covers, and its documents. */
export function CollectionDetail({ collection: c, info }: { collection: Collection; info: AppInfo | undefined }) {
  const headingId = useId();
  return (
    <section className="collection-detail" aria-labelledby={headingId} data-testid="collection-detail" data-id={c.id}>
      <CollectionHeader collection={c} headingId={headingId} />
      <p className="muted small-text" data-testid="collection-stats">
        {statsText(c.stats)}
        {c.embeddingModel
          ? ` · embedded with ${c.embeddingModel.split(/[\\/]/).pop()} (${c.dimensions ?? '?'} dimensions)`
          : ' · keyword search only'}
      </p>
      <IngestProgress collection={c} />
      <h4 className="models-subheading">Folders and files</h4>
      <SourcesList collection={c} />
      <AddSource collection={c} info={info} />
      <h4 className="models-subheading">Documents</h4>
      <DocumentsList collection={c} />
    </section>
  );
}
