import { useState } from 'react';
import type { EngineState, Settings } from '../../../../shared/types';
import { CatalogList } from './CatalogList';
import { defaultContextSize } from './contextSizes';
import { HubToken } from './HubToken';
import { RepoFiles } from './RepoFiles';
import { SearchResults } from './SearchResults';

export type Kind = 'chat' | 'embedding' | 'any';

/**
 * Finding a model: the curated catalog until the user searches the Hub, then the results; either opens a
 * repository's quantizations, each with its size, quality, fit and the licence card above the Download buttons.
 */
export function Discover({ settings, engine }: { settings: Settings | undefined; engine: EngineState | undefined }) {
  const [draft, setDraft] = useState('');
  const [query, setQuery] = useState<string | null>(null);
  const [kind, setKind] = useState<Kind>('chat');
  const [commercialOnly, setCommercialOnly] = useState(false);
  const [repo, setRepo] = useState<string | null>(null);
  const [contextSize, setContextSize] = useState(() => defaultContextSize(settings));

  if (repo) {
    return <RepoFiles repo={repo} contextSize={contextSize} onContextSize={setContextSize} engine={engine} onBack={() => setRepo(null)} />;
  }
  return (
    <div className="discover">
      <search>
        <form
          className="discover-search"
          onSubmit={(e) => {
            e.preventDefault();
            setQuery(draft.trim() || null);
          }}
        >
          <label className="discover-query">
            Search the Hugging Face Hub for GGUF models
            <input
              type="search"
              data-testid="hub-query"
              placeholder="qwen, llama 8b, embedding…"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
            />
          </label>
          <label>
            Kind
            <select data-testid="hub-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              <option value="chat">Chat models</option>
              <option value="embedding">Embedding models</option>
              <option value="any">Any</option>
            </select>
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              data-testid="commercial-only"
              checked={commercialOnly}
              onChange={(e) => setCommercialOnly(e.target.checked)}
            />
            Commercial use allowed
          </label>
          <button type="submit" className="button button-primary" data-testid="hub-search">
            Search
          </button>
          {query !== null && (
            <button
              type="button"
              className="button button-ghost button-small"
              onClick={() => {
                setQuery(null);
                setDraft('');
              }}
            >
              Back to the catalog
            </button>
          )}
        </form>
      </search>
      {query === null ? (
        <CatalogList commercialOnly={commercialOnly} kind={kind} onOpen={setRepo} />
      ) : (
        <SearchResults query={query} commercialOnly={commercialOnly} kind={kind} onOpen={setRepo} />
      )}
      <HubToken />
    </div>
  );
}
