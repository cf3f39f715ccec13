import { useQuery } from '@tanstack/react-query';
import type { ApiLogEntry } from '../../../shared/api';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { formatDuration, formatLogTime, formatTokens, newestFirst, statusLabel, statusTone } from './apiFormat';

const LIMIT = 200;

/** Every request the server answered, newest first, live: `api:request` refetches it (useMainEvents). */
export function ApiLog() {
  const log = useQuery({ queryKey: queryKeys.apiLog, queryFn: () => call('api:log', { limit: LIMIT }) });
  const entries = newestFirst(log.data ?? []);
  // When the log was read: today's requests show the time alone.
  const now = log.dataUpdatedAt;
  return (
    <section className="api-card api-log" aria-labelledby="api-log-heading" data-testid="api-log">
      <h3 id="api-log-heading" className="api-subheading">
        Requests
      </h3>
      <p className="api-note">What your tools asked and how it went, newest first. Prompts and the key are never kept.</p>
      {log.error && (
        <p className="models-error" role="alert">
          Could not read the request log: {log.error.message}
        </p>
      )}
      {log.data && entries.length === 0 && (
        <p className="api-empty" data-testid="api-log-empty">
          No requests yet. When a tool calls the server, its requests appear here as they happen.
        </p>
      )}
      {entries.length > 0 && (
        <div className="api-log-scroll">
          <table className="api-log-table">
            <caption className="sr-only">Requests to the API server, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Request</th>
                <th scope="col">Status</th>
                <th scope="col">Model</th>
                <th scope="col">Tokens</th>
                <th scope="col">Took</th>
                <th scope="col">Client</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <Row key={e.id} entry={e} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {entries.length >= LIMIT && <p className="api-note">Showing the newest {LIMIT}.</p>}
    </section>
  );
}

function Row({ entry: e, now }: { entry: ApiLogEntry; now: number }) {
  const tone = statusTone(e.status);
  return (
    <tr data-testid="api-log-row" data-status={e.status} data-tone={tone}>
      <td className="api-log-time">
        <time dateTime={new Date(e.at).toISOString()}>{formatLogTime(e.at, now)}</time>
      </td>
      <td>
        <code className="api-log-request">
          {e.method} {e.path}
        </code>
        {e.stream && <span className="api-log-tag">streamed</span>}
      </td>
      <td>
        <span className={`api-status api-status-${tone}`} data-testid="api-log-status">
          {statusLabel(e.status)}
        </span>
        {e.error && (
          <span className="api-log-why" data-testid="api-log-error">
            {e.error}
          </span>
        )}
      </td>
      <td className="api-log-model">{e.model ?? '—'}</td>
      <td className="api-log-num">{formatTokens(e.promptTokens, e.completionTokens)}</td>
      <td className="api-log-num">{formatDuration(e.durationMs)}</td>
      <td className="api-log-client" title={e.client ?? undefined}>
        {e.client ?? '—'}
      </td>
    </tr>
  );
}
