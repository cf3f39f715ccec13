import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { ApiServerPanel } from '../api/ApiServerPanel';
import { viewStore } from '../models/viewStore';
import { ProvidersPanel } from '../providers/ProvidersPanel';
import { RouteLogPanel } from '../router/RouteLogPanel';
import './connections.css';

const TABS = [
  { id: 'api', label: 'API server' },
  { id: 'providers', label: 'Remote providers' },
  { id: 'routing', label: 'Routing log' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/**
 * How Hearth connects outward and inward: its local API server, remote providers, and where answers ran. Tabs in
 * the ARIA pattern, as the model manager's: arrow keys, Home and End move between them.
 */
export function ConnectionsView() {
  const [tab, setTab] = useState<Tab>('api');
  const tabs = useRef<Partial<Record<Tab, HTMLButtonElement | null>>>({});
  // Opening the view (the top bar's button) puts the keyboard in it, on the first tab.
  useEffect(() => tabs.current.api?.focus(), []);
  const go = (next: Tab): void => {
    setTab(next);
    tabs.current[next]?.focus();
  };
  const onKey = (e: KeyboardEvent<HTMLButtonElement>): void => {
    const at = TABS.findIndex((t) => t.id === tab);
    const last = TABS.length - 1;
    const moves: Record<string, number> = { ArrowRight: at === last ? 0 : at + 1, ArrowLeft: at === 0 ? last : at - 1, Home: 0, End: last };
    const to = moves[e.key];
    if (to !== undefined) {
      e.preventDefault();
      go(TABS[to]!.id);
    }
  };
  return (
    <section className="connections" data-testid="connections-view" aria-label="Connections">
      <div className="connections-top">
        <div className="connections-tabs" role="tablist" aria-label="Connections">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`connections-tab-${t.id}`}
              ref={(el) => {
                tabs.current[t.id] = el;
              }}
              data-testid={`connections-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`connections-panel-${t.id}`}
              tabIndex={tab === t.id ? 0 : -1}
              className="connections-tab"
              onClick={() => setTab(t.id)}
              onKeyDown={onKey}
            >
              {t.label}
            </button>
          ))}
        </div>
        <button
          type="button"
          className="button button-ghost button-small"
          data-testid="connections-close"
          onClick={() => viewStore.set({ view: 'chat' })}
        >
          Back to the chat
        </button>
      </div>
      <div
        role="tabpanel"
        id={`connections-panel-${tab}`}
        aria-labelledby={`connections-tab-${tab}`}
        data-testid={`connections-panel-${tab}`}
        className="connections-panel"
      >
        {tab === 'api' && <ApiServerPanel />}
        {tab === 'providers' && <ProvidersPanel />}
        {tab === 'routing' && <RouteLogPanel />}
      </div>
    </section>
  );
}
