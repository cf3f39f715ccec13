import type { EngineState } from '../../../shared/types';

/** What the engine is doing, in words: no model, loading, ready (with where it runs), or failed and why. */
export function EngineStatus({ state }: { state: EngineState | undefined }) {
  if (!state) return null;
  switch (state.status) {
    case 'none':
      return (
        <div className="engine" data-testid="engine-status" data-status="none">
          <span className="dot dot-idle" /> No model loaded
          {state.lastError && (
            <span className="engine-error" role="alert">
              {state.lastError}
            </span>
          )}
        </div>
      );
    case 'loading':
      return (
        <div className="engine" data-testid="engine-status" data-status="loading">
          <span className="dot dot-busy" /> Loading {state.path.split(/[\\/]/).pop()}…
        </div>
      );
    case 'ready':
      return (
        <div
          className="engine"
          data-testid="engine-status"
          data-status="ready"
          title={`${state.model.path}\nchat template: ${state.model.chatTemplate}`}
        >
          <span className="dot dot-ok" /> Ready ·{' '}
          {state.model.gpu === 'cpu' ? 'CPU' : `${state.model.gpu.toUpperCase()} (${state.model.gpuLayers} layers)`} · context{' '}
          {state.model.contextSize.toLocaleString()}
          {state.model.sequences > 1 ? ` · ${state.model.sequences} answers at once` : ''}
        </div>
      );
    case 'failed':
      return (
        <div className="engine" data-testid="engine-status" data-status="failed">
          <span className="dot dot-error" />{' '}
          <span className="engine-error" role="alert">
            {state.error}
          </span>
        </div>
      );
    default:
      return state satisfies never;
  }
}
