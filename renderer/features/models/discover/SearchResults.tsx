import { useQuery } from '@tanstack/react-query';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { formatCount } from '../common/format';
import { LicenceBadge } from '../common/LicenceCard';
import type { Kind } from './Discover';

interface Props {
  query: string;
  commercialOnly: boolean;
  kind: Kind;
  onOpen: (repo: string) => void;
}

/** GGUF repositories on the Hub that match, with their licence, popularity and whether they are gated. */
export function SearchResults({ query, commercialOnly, kind, onOpen }: Props) {
  const results = useQuery({
    queryKey: queryKeys.hubSearch(query, commercialOnly, kind),
    queryFn: () => call('hub:search', { query, commercialOnly, ...(kind === 'any' ? {} : { kind }) }),
    // A search is a question about now: ask again when it is asked again.
    staleTime: 60_000,
  });
  if (results.error) {
    return (
      <p className="models-error" role="alert" data-testid="hub-error">
        The search failed: {results.error.message}
      </p>
    );
  }
  if (!results.data) {
    return <output className="muted status-line">Searching the Hub for “{query}”…</output>;
  }
  return (
    <section aria-labelledby="results-heading">
      <h2 id="results-heading" className="models-heading">
        Search results
      </h2>
      <output className="status-line muted" data-testid="hub-count">
        {results.data.length === 0
          ? `No GGUF models match “${query}”.`
          : `${results.data.length} GGUF ${results.data.length === 1 ? 'repository' : 'repositories'} for “${query}”.`}
      </output>
      <ul className="hub-results" data-testid="hub-results">
        {results.data.map((m) => (
          <li key={m.repo} className="hub-result" data-testid="hub-result">
            <button
              type="button"
              className="hub-result-open"
              onClick={() => onOpen(m.repo)}
              aria-label={`${m.repo}: see its quantizations`}
            >
              {m.repo}
            </button>
            <span className="muted small-text">
              {m.kind} · {formatCount(m.downloads)} downloads · {formatCount(m.likes)} likes
              {m.updatedAt ? ` · updated ${new Date(m.updatedAt).toLocaleDateString()}` : ''}
            </span>
            <LicenceBadge card={m.license} />
            {m.gated && <span className="badge badge-muted">gated: needs a token</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
