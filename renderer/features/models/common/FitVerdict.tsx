import type { FitEstimate } from '../../../../shared/models';
import { formatBytes, formatTokensPerSecond } from './format';

/** How a model would run here: the verdict in words, the memory it takes, and the speed to expect with its source. */
export function FitVerdict({ fit, error }: { fit: FitEstimate | null; error?: string | null }) {
  if (!fit) {
    return (
      <span className="fit fit-unknown" data-testid="fit" data-verdict="unknown">
        Fit not known{error ? `: ${error}` : ''}
      </span>
    );
  }
  const memory =
    fit.vramBytes > 0 ? `${formatBytes(fit.vramBytes)} GPU + ${formatBytes(fit.ramBytes)} RAM` : `${formatBytes(fit.ramBytes)} RAM`;
  return (
    <span className={`fit fit-${fit.verdict}`} data-testid="fit" data-verdict={fit.verdict}>
      <span className="fit-label">{fit.label}</span>
      {fit.verdict !== 'wont-fit' && (
        <span className="fit-detail">
          {' '}
          · {memory} at {fit.contextSize.toLocaleString('en-US')} tokens of context
        </span>
      )}
      {fit.tokensPerSecond && fit.verdict !== 'wont-fit' && (
        <span className="fit-speed" data-testid="fit-speed">
          {' '}
          · about {formatTokensPerSecond(fit.tokensPerSecond)} <span className="fit-source">({fit.tokensPerSecond.source})</span>
        </span>
      )}
    </span>
  );
}
