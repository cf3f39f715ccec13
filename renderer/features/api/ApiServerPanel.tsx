import type { ApiServerStatus } from '../../../shared/api';
import { AllowedOrigins } from './AllowedOrigins';
import { ApiKey } from './ApiKey';
import { ApiLog } from './ApiLog';
import { ApiSwitch } from './ApiSwitch';
import { Address } from './Address';
import { UsageSnippets } from './UsageSnippets';
import { baseUrlFor } from './snippets';
import { useApiStatus } from './useApiServer';
import './apiServer.css';

/**
 * The local API server as the user meets it: switch it on, the address and key to paste into a tool, which web
 * pages may call it, how to use it, and every request it answered.
 */
export function ApiServerPanel() {
  const status = useApiStatus();
  if (status.error) {
    return (
      <p className="models-error" role="alert">
        Could not read the API server's state: {status.error.message}
      </p>
    );
  }
  if (!status.data) return <p className="muted">Loading…</p>;
  return <Loaded status={status.data} />;
}

function Loaded({ status }: { status: ApiServerStatus }) {
  return (
    <div className="api-panel" data-testid="api-panel">
      <ApiSwitch status={status} />
      <div className="api-grid">
        <Address status={status} />
        <ApiKey status={status} />
      </div>
      <AllowedOrigins origins={status.allowedOrigins} />
      <UsageSnippets baseUrl={baseUrlFor(status)} />
      <ApiLog />
    </div>
  );
}
