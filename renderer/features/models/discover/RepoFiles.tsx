import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { EngineState } from '../../../../shared/types';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { formatCount } from '../common/format';
import { LicenceCard } from '../common/LicenceCard';
import { useDownloads } from '../downloads/useDownloads';
import { CONTEXT_SIZES } from './contextSizes';
import { FileRow } from './FileRow';
import { HubToken } from './HubToken';

interface Props {
  repo: string;
  contextSize: number;
  onContextSize: (n: number) => void;
  engine: EngineState | undefined;
  onBack: () => void;
}

/**
 * One repository's quantizations at a context size: size, quality against full precision, how it would run here
 * and how fast, the recommended one marked. The licence card comes first, before any Download button.
 */
export function RepoFiles({ repo, contextSize, onContextSize, engine, onBack }: Props) {
  const files = useQuery({ queryKey: queryKeys.hubFiles(repo, contextSize), queryFn: () => call('hub:files', { repo, contextSize }) });
  const downloads = useDownloads();
  const library = useQuery({ queryKey: queryKeys.models, queryFn: () => call('models:list') });
  const r = files.data;
  const heading = useRef<HTMLHeadingElement>(null);
  // Focus moves to the repository's name when it opens, so a screen reader says where the user is.
  useEffect(() => heading.current?.focus(), [repo]);
  return (
    <div className="repo" data-testid="repo-files">
      <button type="button" className="button button-ghost button-small" onClick={onBack} data-testid="repo-back">
        ← Back
      </button>
      <h2 className="models-heading repo-name" tabIndex={-1} ref={heading}>
        {repo}
      </h2>
      {files.error && (
        <p className="models-error" role="alert" data-testid="repo-error">
          Could not list the files of {repo}: {files.error.message}
        </p>
      )}
      {!r && !files.error && (
        <output className="muted status-line">Reading the files and their headers to judge how each would run here…</output>
      )}
      {r && (
        <>
          <p className="muted small-text">
            by {r.author} · {formatCount(r.downloads)} downloads · {formatCount(r.likes)} likes
            {r.updatedAt ? ` · updated ${new Date(r.updatedAt).toLocaleDateString()}` : ''} · revision {r.revision.slice(0, 10)}
          </p>
          <LicenceCard card={r.license} />
          {r.gated && (
            <p className="banner banner-warn" data-testid="repo-gated">
              This repository is gated: accept its terms on the Hugging Face website, then add a token (below) to download it.
            </p>
          )}
          <label className="inline-field">
            Judge the fit at
            <select value={contextSize} data-testid="fit-context" onChange={(e) => onContextSize(Number(e.target.value))}>
              {CONTEXT_SIZES.map((n) => (
                <option key={n} value={n}>
                  {n.toLocaleString('en-US')} tokens of context
                </option>
              ))}
            </select>
          </label>
          {r.files.length === 0 ? (
            <p className="muted">This repository has no GGUF files.</p>
          ) : (
            <table className="quant-table" data-testid="quant-table">
              <caption className="sr-only">Quantizations of {repo}</caption>
              <thead>
                <tr>
                  <th scope="col">Quantization</th>
                  <th scope="col">Size</th>
                  <th scope="col">Quality</th>
                  <th scope="col">On this machine</th>
                  <th scope="col">
                    <span className="sr-only">Download</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.files.map((f) => (
                  <FileRow key={f.path} repo={r} file={f} downloads={downloads.data} library={library.data} engine={engine} />
                ))}
              </tbody>
            </table>
          )}
          {r.gated && <HubToken />}
        </>
      )}
    </div>
  );
}
