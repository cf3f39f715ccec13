import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Download, HubFile, HubRepoFiles, LibraryModel } from '../../../../shared/models';
import type { EngineState } from '../../../../shared/types';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { FitVerdict } from '../common/FitVerdict';
import { baseName, formatBytes } from '../common/format';
import { SwitchChoice, SwitchNotes } from '../common/SwitchChoice';
import { useModelSwitch } from '../common/useModelSwitch';
import { DownloadActions } from '../downloads/DownloadActions';
import { DownloadProgress } from '../downloads/DownloadProgress';
import { downloadFor, isActive, mergeDownload } from '../downloads/downloadsCache';

interface Props {
  repo: HubRepoFiles;
  file: HubFile;
  downloads: Download[] | undefined;
  library: LibraryModel[] | undefined;
  engine: EngineState | undefined;
}

/** One quantization: what it is, what it costs, how it would run here, and Download (or its progress, or Use). */
export function FileRow({ repo, file: f, downloads, library, engine }: Props) {
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const loaded = engine?.status === 'ready' ? engine.model.path : null;
  const model = useModelSwitch(loaded);
  const name = f.quant?.name ?? baseName(f.path);
  const download = downloadFor(downloads, repo.repo, f.path);
  const inLibrary = library?.find((m) => m.hub?.repo === repo.repo && m.hub.file === f.path);

  const start = async (): Promise<void> => {
    setError(null);
    setStarting(true);
    try {
      const d = await call('downloads:start', { repo: repo.repo, revision: repo.revision, file: f.path });
      qc.setQueryData<Download[]>(queryKeys.downloads, (old) => mergeDownload(old ?? [], d));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setStarting(false);
    }
  };

  let action;
  if (inLibrary || (f.downloaded && download?.status === 'done')) {
    const path = inLibrary?.path ?? download!.destPath;
    action =
      loaded === path ? (
        <span className="download-note">In use</span>
      ) : (
        <>
          <span className="download-note">In the library</span>{' '}
          <button
            type="button"
            className="button button-small button-primary"
            aria-label={`Use ${baseName(path)}`}
            onClick={() => void model.choose(path)}
          >
            Use
          </button>
        </>
      );
  } else if (f.downloaded) {
    action = <span className="download-note">In the library</span>;
  } else if (download && (isActive(download) || download.status === 'failed')) {
    action = (
      <>
        <DownloadProgress download={download} />
        <DownloadActions download={download} engine={engine} />
      </>
    );
  } else {
    action = (
      <button
        type="button"
        className={`button button-small${f.recommended ? ' button-primary' : ''}`}
        data-testid="download-start"
        aria-label={`Download ${name}, ${formatBytes(f.sizeBytes)}`}
        disabled={starting}
        onClick={() => void start()}
      >
        {starting ? 'Starting…' : 'Download'}
      </button>
    );
  }

  return (
    <tr className={f.recommended ? 'quant-recommended' : undefined} data-testid="quant-row" data-quant={f.quant?.name ?? ''}>
      <th scope="row">
        <span className="quant-name">{name}</span>
        {f.recommended && (
          <span className="badge badge-accent" data-testid="quant-recommended">
            Recommended
          </span>
        )}
        <div className="muted small-text" title={f.path}>
          {f.quant?.bitsPerWeight ? `${f.quant.bitsPerWeight.toFixed(1)} bits per weight` : baseName(f.path)}
        </div>
      </th>
      <td>
        {formatBytes(f.sizeBytes)}
        {f.parts.length > 1 && <div className="muted small-text">{f.parts.length} parts</div>}
      </td>
      <td className={`quality quality-${f.quant?.quality ?? 'unknown'}`} data-testid="quant-quality">
        {f.quant?.note ?? 'Unknown quantization: no measurement to compare it with.'}
      </td>
      <td>
        <FitVerdict fit={f.fit} error={f.fitError} />
      </td>
      <td className="quant-action">
        {action}
        <SwitchChoice model={model} className="switch-choice switch-choice-inline" />
        <SwitchNotes model={model} />
        {error && (
          <div className="picker-error" role="alert">
            {error}
          </div>
        )}
      </td>
    </tr>
  );
}
