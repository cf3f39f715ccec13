import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { AppInfo, EngineState, Settings } from '../../../shared/types';
import { Discover } from './discover/Discover';
import { isActive } from './downloads/downloadsCache';
import { DownloadsList } from './downloads/DownloadsList';
import { useDownloads } from './downloads/useDownloads';
import { Library } from './library/Library';
import { MachinePanel } from './machine/MachinePanel';
import { MODELS_TABS, viewStore, type ModelsTab } from './viewStore';

interface Props {
  tab: ModelsTab;
  info: AppInfo | undefined;
  settings: Settings | undefined;
  engine: EngineState | undefined;
}

const LABEL: Record<ModelsTab, string> = { discover: 'Discover', downloads: 'Downloads', library: 'Library', machine: 'Machine' };

/**
 * The model manager: find and judge models (Discover), the download queue, the models on this machine (Library)
 * and what this machine has (Machine). Tabs in the ARIA pattern: arrow keys move between them.
 */
export function ModelsView({ tab, info, settings, engine }: Props) {
  const downloads = useDownloads();
  const running = (downloads.data ?? []).filter(isActive).length;
  const tabs = useRef<Record<string, HTMLButtonElement | null>>({});
  // Opening the view (the button or Ctrl/Cmd+Shift+M) puts the keyboard in it, on the current tab.
  const openedOn = useRef(tab);
  useEffect(() => tabs.current[openedOn.current]?.focus(), []);
  const go = (next: ModelsTab): void => {
    viewStore.set({ tab: next });
    tabs.current[next]?.focus();
  };
  const onKey = (e: KeyboardEvent<HTMLButtonElement>): void => {
    const at = MODELS_TABS.indexOf(tab);
    const last = MODELS_TABS.length - 1;
    const moves: Record<string, number> = { ArrowRight: at === last ? 0 : at + 1, ArrowLeft: at === 0 ? last : at - 1, Home: 0, End: last };
    if (e.key in moves) {
      e.preventDefault();
      go(MODELS_TABS[moves[e.key]!]!);
    }
  };
  return (
    <section className="models-view" aria-label="Models" data-testid="models-view">
      <div className="models-top">
        <div role="tablist" aria-label="Model manager" className="models-tabs">
          {MODELS_TABS.map((t) => (
            <button
              key={t}
              type="button"
              role="tab"
              id={`models-tab-${t}`}
              ref={(el) => {
                tabs.current[t] = el;
              }}
              aria-selected={t === tab}
              aria-controls={`models-panel-${t}`}
              tabIndex={t === tab ? 0 : -1}
              className="models-tab"
              data-testid={`models-tab-${t}`}
              onClick={() => viewStore.set({ tab: t })}
              onKeyDown={onKey}
            >
              {LABEL[t]}
              {t === 'downloads' && running > 0 && (
                <>
                  <span className="tab-count" aria-hidden="true">
                    {running}
                  </span>
                  <span className="sr-only">, {running} running</span>
                </>
              )}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="button button-ghost button-small"
          onClick={() => viewStore.set({ view: 'chat' })}
          data-testid="models-close"
        >
          Back to the chat
        </button>
      </div>
      <div
        className="models-panel"
        role="tabpanel"
        id={`models-panel-${tab}`}
        aria-labelledby={`models-tab-${tab}`}
        data-testid={`models-panel-${tab}`}
      >
        {tab === 'discover' && <Discover settings={settings} engine={engine} />}
        {tab === 'downloads' && <DownloadsList engine={engine} />}
        {tab === 'library' && <Library info={info} settings={settings} engine={engine} />}
        {tab === 'machine' && <MachinePanel />}
      </div>
    </section>
  );
}
