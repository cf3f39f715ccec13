import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { LibraryModel } from '../../../../shared/models';
import type { EngineState } from '../../../../shared/types';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { Fact } from '../common/Fact';
import { formatBytes, formatParams } from '../common/format';
import { CATEGORY_SHORT } from '../common/licence';
import { LicenceCard } from '../common/LicenceCard';
import { SwitchChoice, SwitchNotes } from '../common/SwitchChoice';
import { useFocusOnMount } from '../common/useFocusOnMount';
import { useModelSwitch } from '../common/useModelSwitch';
import { FitResult } from './FitResult';
import { ModelSettingsForm } from './ModelSettingsForm';

interface Props {
  model: LibraryModel;
  adapters: LibraryModel[];
  engine: EngineState | undefined;
}

const SOURCE: Record<LibraryModel['source'], string> = {
  folder: 'In the models folder',
  added: 'Opened from elsewhere',
  downloaded: 'Downloaded by Hearth',
};

/** One model in the library: what the file is, its licence, and Use, Unload, settings, fit and Delete. */
export function LibraryItem({ model: m, adapters, engine }: Props) {
  const qc = useQueryClient();
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [fitAsked, setFitAsked] = useState(false);
  const [confirming, setConfirming] = useState<{ answers: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loaded = engine?.status === 'ready' ? engine.model.path : null;
  const isLoaded = loaded === m.path;
  const loading = engine?.status === 'loading' && engine.path === m.path;
  const failed = engine?.status === 'failed' && engine.path === m.path ? engine.error : null;
  const switcher = useModelSwitch(loaded);
  const meta = m.meta;
  const nameId = useId();
  const canChat = !m.problem && meta?.kind !== 'adapter' && meta?.kind !== 'embedding';

  const askDelete = async (): Promise<void> => {
    setError(null);
    // Deleting the loaded model unloads it: answers it is writing would be cut off, so the user is told first.
    const answers = isLoaded ? (await call('chat:active').catch(() => [])).filter((a) => a.ahead === 0).length : 0;
    setConfirming({ answers });
  };
  const remove = async (): Promise<void> => {
    setError(null);
    try {
      await call('models:delete', { path: m.path, whileAnswering: confirming && confirming.answers > 0 ? 'stop' : 'wait' });
      setConfirming(null);
      qc.setQueryData<LibraryModel[]>(queryKeys.models, (old) => old?.filter((x) => x.path !== m.path));
      void qc.invalidateQueries({ queryKey: queryKeys.models });
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <li className="library-item" data-testid="library-item" data-path={m.path} aria-labelledby={nameId}>
      <div className="library-head">
        <h3 className="library-name" id={nameId}>
          {m.fileName}
        </h3>
        {meta && meta.kind !== 'chat' && (
          <span className="badge badge-muted">{meta.kind === 'adapter' ? 'LoRA adapter' : 'embedding'}</span>
        )}
        {isLoaded && (
          <span className="badge badge-ok" data-testid="library-loaded">
            Loaded
          </span>
        )}
        {loading && <span className="badge badge-muted">Loading…</span>}
      </div>
      {m.problem && (
        <p className="picker-error" role="alert" data-testid="library-problem">
          This file cannot be loaded: {m.problem}
        </p>
      )}
      {failed && (
        <p className="picker-error" role="alert">
          {failed}
        </p>
      )}
      <dl className="library-meta">
        <Fact name="Architecture">{meta?.architecture ?? 'not read yet'}</Fact>
        <Fact name="Parameters">{formatParams(meta?.parameters ?? null)}</Fact>
        <Fact name="Quantization">{meta?.quantization ?? 'unknown'}</Fact>
        <Fact name="Size">
          {formatBytes(m.sizeBytes)}
          {m.parts > 1 ? ` in ${m.parts} parts` : ''}
        </Fact>
        <Fact name="Trained context">{meta?.trainContextSize ? `${meta.trainContextSize.toLocaleString('en-US')} tokens` : 'unknown'}</Fact>
        <Fact name="Chat template">
          {meta ? (meta.hasChatTemplate ? 'In the file' : 'None in the file: a generic one is used') : 'unknown'}
        </Fact>
        <Fact name="Source">
          <span title={m.path}>{m.hub ? `${SOURCE[m.source]} from ${m.hub.repo}` : SOURCE[m.source]}</span>
        </Fact>
      </dl>
      {m.license ? (
        <details className="library-licence">
          <summary>
            Licence: {m.license.name} · {CATEGORY_SHORT[m.license.category]}
          </summary>
          <LicenceCard card={m.license} headingLevel={4} />
        </details>
      ) : (
        <p className="muted small-text">
          Licence: {meta?.license ? `the file names “${meta.license}”` : 'not known'}. Hearth did not download this file, so it has no
          licence card; check where it came from.
        </p>
      )}
      <div className="library-actions">
        {canChat &&
          (isLoaded ? (
            <button type="button" className="button button-small" onClick={() => void switcher.choose(null)} data-testid="library-unload">
              Unload
            </button>
          ) : (
            <button
              type="button"
              className="button button-small button-primary"
              aria-label={`Use ${m.fileName}`}
              data-testid="library-use"
              disabled={loading}
              onClick={() => void switcher.choose(m.path)}
            >
              Use
            </button>
          ))}
        {meta?.kind !== 'adapter' && (
          <button
            type="button"
            className="button button-small"
            aria-expanded={settingsOpen}
            aria-label={`Settings for ${m.fileName}`}
            data-testid="library-settings"
            onClick={() => setSettingsOpen((o) => !o)}
          >
            Settings
          </button>
        )}
        {canChat && (
          <button
            type="button"
            className="button button-small"
            aria-label={`Check how ${m.fileName} fits this machine`}
            aria-expanded={fitAsked}
            data-testid="fit-check"
            onClick={() => setFitAsked((a) => !a)}
          >
            Check the fit
          </button>
        )}
        <button
          type="button"
          className="button button-small button-ghost danger-text"
          aria-label={`Delete ${m.fileName}`}
          data-testid="library-delete"
          onClick={() => void askDelete()}
        >
          {m.source === 'added' ? 'Forget' : 'Delete'}
        </button>
      </div>
      {fitAsked && <FitResult path={m.path} />}
      <SwitchChoice model={switcher} className="switch-choice switch-choice-inline" />
      <SwitchNotes model={switcher} />
      {confirming && (
        <DeleteConfirm model={m} answers={confirming.answers} onYes={() => void remove()} onCancel={() => setConfirming(null)} />
      )}
      {error && (
        <p className="picker-error" role="alert">
          {error}
        </p>
      )}
      {settingsOpen && <ModelSettingsForm model={m} adapters={adapters} loaded={isLoaded} onClose={() => setSettingsOpen(false)} />}
    </li>
  );
}

function DeleteConfirm({
  model: m,
  answers,
  onYes,
  onCancel,
}: {
  model: LibraryModel;
  answers: number;
  onYes: () => void;
  onCancel: () => void;
}) {
  const cancel = useFocusOnMount<HTMLButtonElement>();
  const forget = m.source === 'added';
  return (
    <div
      className="delete-confirm"
      role="alertdialog"
      aria-label={`${forget ? 'Forget' : 'Delete'} ${m.fileName}`}
      data-testid="library-delete-confirm"
    >
      <span>
        {forget
          ? `Forget ${m.fileName}? The file stays where it is.`
          : `Delete ${m.fileName}${m.parts > 1 ? ` and its ${m.parts} parts` : ''} from the disk? This frees ${formatBytes(m.sizeBytes)} and cannot be undone.`}
        {answers > 0 && ` ${answers === 1 ? 'The answer' : `The ${answers} answers`} it is writing will be stopped.`}
      </span>
      <button type="button" className="button button-small button-danger" data-testid="library-delete-yes" onClick={onYes}>
        {forget ? 'Forget' : 'Delete'}
      </button>
      <button
        type="button"
        className="button button-small button-ghost"
        ref={cancel}
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
        onClick={onCancel}
      >
        Cancel
      </button>
    </div>
  );
}
