import { useQuery } from '@tanstack/react-query';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { formatBytes } from '../common/format';
import { LicenceBadge } from '../common/LicenceCard';
import type { Kind } from './Discover';

interface Props {
  commercialOnly: boolean;
  kind: Kind;
  onOpen: (repo: string) => void;
}

/** The curated catalog: good chat and embedding models at several sizes, each with its licence in a word. */
export function CatalogList({ commercialOnly, kind, onOpen }: Props) {
  const catalog = useQuery({ queryKey: queryKeys.catalog(commercialOnly), queryFn: () => call('catalog:list', { commercialOnly }) });
  if (catalog.error) {
    return (
      <p className="models-error" role="alert">
        Could not read the catalog: {catalog.error.message}
      </p>
    );
  }
  if (!catalog.data) return <p className="muted">Loading the catalog…</p>;
  const entries = catalog.data.filter((e) => kind === 'any' || e.kind === kind);
  return (
    <section aria-labelledby="catalog-heading">
      <h2 id="catalog-heading" className="models-heading">
        Recommended models
      </h2>
      {entries.length === 0 ? (
        <p className="muted">No catalog model matches these filters.</p>
      ) : (
        <ul className="model-cards" data-testid="catalog">
          {entries.map((e) => (
            <li key={e.id} className="model-card" data-testid="catalog-entry">
              <div className="model-card-head">
                <h3 className="model-card-title">{e.title}</h3>
                <span className="muted small-text">
                  {e.parameters} · {e.kind === 'chat' ? 'chat' : 'embedding'} · about {formatBytes(e.approxSizeBytes)}
                </span>
              </div>
              <p className="model-card-text">{e.description}</p>
              <div className="model-card-foot">
                <LicenceBadge card={e.license} />
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => onOpen(e.repo)}
                  aria-label={`Choose a quantization of ${e.title}`}
                >
                  Choose a quantization
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
