import { memo } from 'react';
import type { MessageRoute } from '../../../shared/api';
import { routeLine } from './routeText';

/**
 * Under an answer: where it ran ("This machine · model" or "Provider · model"), what it cost when it went out,
 * and the rule's reason in words. Shown from the start of the answer, so the user sees where it is being written.
 * Its styles are in router.css, which the route picker and run elsewhere import (this file stays free of CSS so
 * it renders in the unit tests' Node).
 */
export const RouteBadge = memo(function RouteBadge({ route }: { route: MessageRoute | undefined }) {
  if (!route) return null;
  const { place, cost, reason } = routeLine(route);
  const complexity = route.complexity !== null ? ` (complexity estimate ${route.complexity.toFixed(2)})` : '';
  return (
    <div className="message-route" data-testid="message-route" data-target={route.target} data-rule={route.rule}>
      <span className={`route-where route-where-${route.target}`}>{route.target === 'local' ? 'Local' : 'Remote'}</span>
      <span className="route-place" data-testid="route-place">
        {place}
      </span>
      {cost !== null && (
        <span className="route-cost" data-testid="route-cost" title="What this answer cost at the provider's prices">
          {cost}
        </span>
      )}
      <span className="route-reason" data-testid="route-reason" title={`${reason}${complexity}`}>
        {reason}
      </span>
    </div>
  );
});
