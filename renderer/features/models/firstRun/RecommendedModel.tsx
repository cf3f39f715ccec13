import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Download } from '../../../../shared/models';
import type { EngineState } from '../../../../shared/types';
import { queryKeys } from '../../../api/queryKeys';
import { formatBytes, formatTokensPerSecond } from '../common/format';
import { LicenceCard } from '../common/LicenceCard';
import { DownloadActions } from '../downloads/DownloadActions';
import { DownloadProgress } from '../downloads/DownloadProgress';
import { isActive, mergeDownload } from '../downloads/downloadsCache';
import type { Recommendation } from './recommend';
import { startCatalogDownload } from './startCatalogDownload';

interface Props {
  pick: Recommendation;
  /** The newest download of this model's repository, if any. */
  download: Download | undefined;
  engine: EngineState | undefined;
}

/** One recommended model: what it is, how it would run here, its licence card, then its one-click download. */
export function RecommendedModel({ pick, download, engine }: Props) {
  const qc = useQueryClient();
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { entry } = pick;
  const start = async (): Promise<void> => {
    setError(null);
    setStarting(true);
    try {
      const d = await startCatalogDownload(entry);
      qc.setQueryData<Download[]>(queryKeys.downloads, (old) => mergeDownload(old ?? [], d));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setStarting(false);
    }
  };
  const showDownload = download && (isActive(download) || download.status === 'done' || download.status === 'failed');
  return (
    <li className="model-card first-run-pick" data-testid="first-run-pick" data-repo={entry.repo}>
      <div className="model-card-head">
        <h3 className="model-card-title">{entry.title}</h3>
        <span className="muted small-text">
          {entry.parameters} parameters · about {formatBytes(entry.approxSizeBytes)}
        </span>
      </div>
      <p className="model-card-text">{entry.description}</p>
      <p className="first-run-fit" data-testid="first-run-fit">
        {pick.runsOn === 'gpu' ? 'Runs on the GPU' : 'Runs on the CPU'}
        {pick.tokensPerSecond !== null &&
          `, about ${formatTokensPerSecond({ low: pick.tokensPerSecond, high: pick.tokensPerSecond })} (from memory bandwidth)`}
      </p>
      <LicenceCard card={entry.license} headingLevel={4} />
      {showDownload ? (
        <>
          <DownloadProgress download={download} />
          <DownloadActions download={download} engine={engine} noDismiss prominentUse />
        </>
      ) : (
        <button
          type="button"
          className="button button-primary"
          data-testid="first-run-download"
          aria-label={`Download ${entry.title}, about ${formatBytes(entry.approxSizeBytes)}`}
          disabled={starting}
          onClick={() => void start()}
        >
          {starting ? 'Starting…' : `Download (${formatBytes(entry.approxSizeBytes)})`}
        </button>
      )}
      {error && (
        <p className="picker-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
