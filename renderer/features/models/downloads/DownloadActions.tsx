import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Download } from '../../../../shared/models';
import type { EngineState } from '../../../../shared/types';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { baseName } from '../common/format';
import { SwitchChoice, SwitchNotes } from '../common/SwitchChoice';
import { useModelSwitch } from '../common/useModelSwitch';
import { mergeDownload } from './downloadsCache';

interface Props {
  download: Download;
  engine: EngineState | undefined;
  /** Leave out Dismiss (first run keeps its finished download in view until the model is used). */
  noDismiss?: boolean;
  /** First run: Use is the one thing left to do, so it is the page's main button. */
  prominentUse?: boolean;
}

/** What can be done with a download in its state: pause, resume, cancel, retry, use, dismiss. */
export function DownloadActions({ download: d, engine, noDismiss = false, prominentUse = false }: Props) {
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const loaded = engine?.status === 'ready' ? engine.model.path : null;
  const model = useModelSwitch(loaded);
  const name = baseName(d.file);

  const act = async (fn: () => Promise<Download | void>): Promise<void> => {
    setError(null);
    setBusy(true);
    try {
      const next = await fn();
      if (next) qc.setQueryData<Download[]>(queryKeys.downloads, (old) => mergeDownload(old ?? [], next));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const dismiss = (): Promise<void> =>
    act(async () => {
      await call('downloads:dismiss', { id: d.id });
      qc.setQueryData<Download[]>(queryKeys.downloads, (old) => (old ?? []).filter((x) => x.id !== d.id));
    });
  const button = (label: string, onClick: () => void, testId: string, primary = false) => (
    <button
      type="button"
      className={`button button-small${primary ? ' button-primary' : ''}`}
      aria-label={`${label} ${name}`}
      data-testid={testId}
      disabled={busy}
      onClick={onClick}
    >
      {label}
    </button>
  );

  return (
    <div className="download-actions">
      {(d.status === 'queued' || d.status === 'downloading') &&
        button('Pause', () => void act(() => call('downloads:pause', { id: d.id })), 'download-pause')}
      {d.status === 'paused' && button('Resume', () => void act(() => call('downloads:resume', { id: d.id })), 'download-resume')}
      {(d.status === 'queued' || d.status === 'downloading' || d.status === 'paused') &&
        button('Cancel', () => void act(() => call('downloads:cancel', { id: d.id })), 'download-cancel')}
      {d.status === 'failed' && button('Retry', () => void act(() => call('downloads:resume', { id: d.id })), 'download-retry', true)}
      {d.status === 'cancelled' &&
        button(
          'Download again',
          () => void act(() => call('downloads:start', { repo: d.repo, revision: d.revision, file: d.file })),
          'download-again',
        )}
      {d.status === 'done' &&
        (loaded === d.destPath ? (
          <span className="download-note" data-testid="download-in-use">
            In use
          </span>
        ) : prominentUse ? (
          <button
            type="button"
            className="button button-primary"
            aria-label={`Use ${name}`}
            data-testid="download-use"
            onClick={() => void model.choose(d.destPath)}
          >
            Use this model
          </button>
        ) : (
          button('Use', () => void model.choose(d.destPath), 'download-use', true)
        ))}
      {!noDismiss &&
        (d.status === 'done' || d.status === 'failed' || d.status === 'cancelled') &&
        button('Dismiss', () => void dismiss(), 'download-dismiss')}
      <SwitchChoice model={model} className="switch-choice switch-choice-inline" />
      <SwitchNotes model={model} />
      {error && (
        <span className="picker-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
