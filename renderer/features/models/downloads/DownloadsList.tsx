import type { EngineState } from '../../../../shared/types';
import { baseName } from '../common/format';
import { LicenceBadge } from '../common/LicenceCard';
import { openModels } from '../viewStore';
import { DownloadActions } from './DownloadActions';
import { DownloadProgress } from './DownloadProgress';
import { useDownloads } from './useDownloads';

/** The download queue: each file's progress, speed and time left, and what can be done with it. */
export function DownloadsList({ engine }: { engine: EngineState | undefined }) {
  const downloads = useDownloads();
  if (downloads.error) {
    return (
      <p className="models-error" role="alert">
        Could not list the downloads: {downloads.error.message}
      </p>
    );
  }
  if (!downloads.data) return <p className="muted">Loading the downloads…</p>;
  if (downloads.data.length === 0) {
    return (
      <div className="models-empty" data-testid="downloads-empty">
        <p>Nothing is downloading.</p>
        <button type="button" className="button" onClick={() => openModels('discover')}>
          Find a model to download
        </button>
      </div>
    );
  }
  return (
    <ul className="downloads" aria-label="Downloads">
      {[...downloads.data].reverse().map((d) => (
        <li key={d.id} className="download" data-testid="download" data-status={d.status}>
          <div className="download-head">
            <span className="download-name">{baseName(d.file)}</span>
            <span className="muted small-text">{d.repo}</span>
            <LicenceBadge card={d.license} />
          </div>
          <DownloadProgress download={d} />
          <DownloadActions download={d} engine={engine} />
        </li>
      ))}
    </ul>
  );
}
