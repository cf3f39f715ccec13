import type { Download } from '../../../../shared/models';
import { baseName, formatBytes, formatEta, formatSpeed } from '../common/format';

/** Where a download stands, in words: bytes, speed and time left while it runs; what went wrong when it failed. */
export function downloadStatusText(d: Download): string {
  const of = `${formatBytes(d.receivedBytes)} of ${formatBytes(d.totalBytes)}`;
  switch (d.status) {
    case 'queued':
      return d.receivedBytes > 0 ? `Waiting in the queue (${of} already here)` : 'Waiting in the queue';
    case 'downloading': {
      const eta = formatEta(d.etaSeconds);
      const retry = d.attempt > 1 ? ` · try ${d.attempt}` : '';
      return `${of} · ${formatSpeed(d.bytesPerSecond)}${eta ? ` · ${eta}` : ''}${retry}`;
    }
    case 'paused':
      return `Paused at ${of}`;
    case 'verifying':
      return "Checking the file's SHA-256 against the Hub's…";
    case 'done':
      return `Downloaded and verified (${formatBytes(d.totalBytes)})`;
    case 'failed':
      return d.error ?? 'The download failed.';
    case 'cancelled':
      return 'Cancelled; the partial file was deleted.';
    default:
      return d.status satisfies never;
  }
}

/** A download's progress bar and its line of text; the bar is labelled with the file it is for. */
export function DownloadProgress({ download: d }: { download: Download }) {
  const name = baseName(d.file);
  const share = d.totalBytes > 0 ? Math.min(1, d.receivedBytes / d.totalBytes) : 0;
  const running = d.status === 'downloading' || d.status === 'verifying' || d.status === 'queued' || d.status === 'paused';
  return (
    <div className="download-progress" data-testid="download-progress" data-status={d.status}>
      {running && (
        <progress
          className="download-bar"
          max={1}
          value={d.status === 'verifying' ? 1 : share}
          aria-label={`Download of ${name}`}
          aria-valuetext={`${Math.floor(share * 100)}%`}
        />
      )}
      <span
        className={d.status === 'failed' ? 'download-error' : 'download-text'}
        role={d.status === 'failed' ? 'alert' : undefined}
        data-testid="download-text"
      >
        {running && d.status !== 'verifying' ? `${Math.floor(share * 100)}% · ` : ''}
        {downloadStatusText(d)}
      </span>
    </div>
  );
}
