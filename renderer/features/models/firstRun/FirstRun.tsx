import { useQuery } from '@tanstack/react-query';
import type { Download } from '../../../../shared/models';
import type { EngineState } from '../../../../shared/types';
import { call } from '../../../api/client';
import { queryKeys } from '../../../api/queryKeys';
import { baseName } from '../common/format';
import { downloadFor, isActive } from '../downloads/downloadsCache';
import { DownloadActions } from '../downloads/DownloadActions';
import { DownloadProgress } from '../downloads/DownloadProgress';
import { MachineFacts } from '../machine/MachinePanel';
import { openModels } from '../viewStore';
import { RecommendedModel } from './RecommendedModel';
import { recommendForMachine, smallestChat } from './recommend';
import { formatBytes } from '../common/format';

/**
 * The chat area before there is a model: what this machine has, and two or three catalog models that fit it, each
 * with its licence card and a one-click download whose progress shows here; when it ends, Use is one click more.
 */
export function FirstRun({ engine, downloads }: { engine: EngineState | undefined; downloads: Download[] | undefined }) {
  const machine = useQuery({ queryKey: queryKeys.machine, queryFn: () => call('system:report'), staleTime: 10_000 });
  const catalog = useQuery({ queryKey: queryKeys.catalog(false), queryFn: () => call('catalog:list', { commercialOnly: false }) });
  const picks = machine.data && catalog.data ? recommendForMachine(catalog.data, machine.data) : [];
  const shownRepos = new Set(picks.map((p) => p.entry.repo));
  const others = (downloads ?? []).filter((d) => !shownRepos.has(d.repo) && (isActive(d) || d.status === 'done'));
  const smallest = catalog.data ? smallestChat(catalog.data) : undefined;

  return (
    <div className="first-run" data-testid="first-run">
      <h2>Choose a first model</h2>
      <p className="muted">
        Models run here, on this machine, and chats stay here. These fit what this machine has; each says what its licence allows before you
        download it.
      </p>
      <section className="first-run-machine" aria-label="This machine">
        {machine.error && (
          <p className="models-error" role="alert">
            Could not examine this machine: {machine.error.message}
          </p>
        )}
        {machine.data && <MachineFacts report={machine.data} compact />}
        {!machine.data && !machine.error && <p className="muted">Examining this machine…</p>}
      </section>
      {catalog.error && (
        <p className="models-error" role="alert">
          Could not read the catalog of models: {catalog.error.message}
        </p>
      )}
      {machine.data && catalog.data && picks.length === 0 && (
        <p className="banner banner-warn" data-testid="first-run-none">
          None of the catalog&apos;s chat models fits this machine&apos;s free memory
          {smallest ? ` (the smallest, ${smallest.title}, needs about ${formatBytes(smallest.approxSizeBytes)} and some room to run)` : ''}.
          Close other programs and check again, or look for a smaller model under Discover.
        </p>
      )}
      {picks.length > 0 && (
        <ul className="first-run-picks" aria-label="Recommended models">
          {picks.map((p) => (
            <RecommendedModel key={p.entry.id} pick={p} download={downloadFor(downloads, p.entry.repo)} engine={engine} />
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <ul className="downloads" aria-label="Other downloads">
          {others.map((d) => (
            <li key={d.id} className="download" data-testid="download" data-status={d.status}>
              <span className="download-name">{baseName(d.file)}</span>
              <DownloadProgress download={d} />
              <DownloadActions download={d} engine={engine} noDismiss />
            </li>
          ))}
        </ul>
      )}
      <div className="first-run-more">
        <button type="button" className="button button-ghost" onClick={() => openModels('discover')} data-testid="first-run-discover">
          More models, and Hub search
        </button>
        <button type="button" className="button button-ghost" onClick={() => openModels('library')}>
          I have a GGUF file already
        </button>
      </div>
    </div>
  );
}
