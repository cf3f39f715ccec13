import { useState } from 'react';
import { ApiServerPanel } from '../api/ApiServerPanel';
import { ProvidersPanel } from '../providers/ProvidersPanel';
import { RouteLogPanel } from '../router/RouteLogPanel';

const TABS = [
  { id: 'api', label: 'API server' },
  { id: 'providers', label: 'Remote providers' },
  { id: 'routing', label: 'Routing log' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/** How Hearth connects outward and inward: its local API server, remote providers, and where answers ran. */
export function ConnectionsView() {
  const [tab, setTab] = useState<Tab>('api');
  return (
    <section className="connections" data-testid="connections-view" aria-label="Connections">
      <div className="connections-tabs" role="tablist" aria-label="Connections">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`connections-tab-${t.id}`}
            data-testid={`connections-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`connections-panel-${t.id}`}
            className="button button-ghost"
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`connections-panel-${tab}`} aria-labelledby={`connections-tab-${tab}`} className="connections-panel">
        {tab === 'api' && <ApiServerPanel />}
        {tab === 'providers' && <ProvidersPanel />}
        {tab === 'routing' && <RouteLogPanel />}
      </div>
    </section>
  );
}
