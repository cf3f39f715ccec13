import { useQuery } from '@tanstack/react-query';
import type { RouteLog } from '../../../shared/api';
import { call } from '../../api/client';
import { queryKeys } from '../../api/queryKeys';
import { capShare, formatUsd, ruleLabel } from './routeText';
import './router.css';

const time = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * Where answers ran, why, their tokens and cost, newest first, and the month's remote spending against the cap.
 * Live: main's router:changed invalidates the log (useMainEvents).
 */
export function RouteLogPanel() {
  const log = useQuery({ queryKey: queryKeys.routeLog, queryFn: () => call('router:log', {}) });
  // The cap as settings say now: a change there (settings:changed) moves the bar at once, with no new log entry.
  const settings = useQuery({ queryKey: queryKeys.settings, queryFn: () => call('settings:get') });
  if (log.isPending) return <p className="muted">Reading the routing log…</p>;
  if (log.isError) return <p className="models-error">{log.error.message}</p>;
  return (
    <div className="route-log" data-testid="route-log">
      <Spending spent={log.data.monthCostUsd} cap={settings.data?.monthlyCostCapUsd ?? log.data.monthlyCapUsd} />
      {log.data.entries.length === 0 ? (
        <p className="muted" data-testid="route-log-empty">
          No answers yet. Each answer is logged here with where it ran, why, its tokens and its cost.
        </p>
      ) : (
        <EntriesTable log={log.data} />
      )}
    </div>
  );
}

function Spending({ spent, cap }: { spent: number; cap: number }) {
  const share = capShare(spent, cap);
  const reached = cap > 0 ? spent >= cap : spent > 0;
  return (
    <section className="route-spending" data-testid="route-spending" aria-label="This month's remote spending">
      <div className="route-spending-head">
        <h3 className="models-subheading">This month</h3>
        <span data-testid="route-spent">
          {formatUsd(spent)} of {formatUsd(cap)}
        </span>
      </div>
      <meter
        className="route-meter"
        min={0}
        max={1}
        low={0.75}
        high={0.9}
        optimum={0}
        value={share}
        aria-label={`Spent ${formatUsd(spent)} of the ${formatUsd(cap)} monthly cap`}
      />
      <p className="muted small-text">
        {reached
          ? 'The cap is reached: auto routing keeps answers on this machine until next month (or a higher cap).'
          : 'Remote answers this calendar month (UTC), at the prices you set for each model. Past the cap, auto routing stays local.'}
      </p>
    </section>
  );
}

function EntriesTable({ log }: { log: RouteLog }) {
  return (
    <table className="route-table" data-testid="route-log-table">
      <caption className="sr-only">Routed answers, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Where</th>
          <th scope="col">Model</th>
          <th scope="col">Rule</th>
          <th scope="col">Reason</th>
          <th scope="col" className="num">
            Tokens
          </th>
          <th scope="col" className="num">
            Cost
          </th>
        </tr>
      </thead>
      <tbody>
        {log.entries.map((e) => (
          <tr key={e.id} data-testid="route-log-entry" data-target={e.target}>
            <td className="route-time">
              <time dateTime={new Date(e.at).toISOString()}>{time.format(e.at)}</time>
            </td>
            <td className="route-table-place">
              <span className={`route-where route-where-${e.target}`}>{e.target === 'local' ? 'Local' : 'Remote'}</span>{' '}
              {e.target === 'local' ? 'This machine' : (e.providerName ?? 'A remote provider')}
            </td>
            <td className="route-table-model">{e.model}</td>
            <td>{ruleLabel(e.rule)}</td>
            <td className="route-table-reason">{e.reason}</td>
            <td className="num" title={tokensTitle(e.promptTokens, e.completionTokens)}>
              {e.promptTokens === null && e.completionTokens === null ? '–' : `${e.promptTokens ?? '?'} → ${e.completionTokens ?? '?'}`}
            </td>
            <td className="num">{formatUsd(e.costUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const tokensTitle = (prompt: number | null, completion: number | null): string =>
  `${prompt ?? 'unknown'} tokens in the prompt, ${completion ?? 'unknown'} written`;
