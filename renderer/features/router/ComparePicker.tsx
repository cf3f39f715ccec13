import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Settings } from '../../../shared/types';
import type { CompareRequest } from './compareStore';
import { defaultPair, optionOfRoute, type TargetOption } from './targets';
import { useTargets } from './useTargets';

interface Props {
  request: CompareRequest;
  settings: Settings | undefined;
  busy: boolean;
  onStart: (pair: [TargetOption, TargetOption]) => void;
}

/**
 * The two places to compare: any local chat model or enabled remote model on each side. It starts from the answer
 * being compared (or this machine's model) against the default remote model, so one Enter runs the usual question.
 */
export function ComparePicker({ request, settings, busy, onStart }: Props) {
  const { options, ready } = useTargets();
  const first = request.from ? optionOfRoute(options, request.from.route, request.from.model) : null;
  const initial = defaultPair(options, first, settings?.selectedModelPath ?? null, settings?.defaultRemote ?? null);
  const [picked, setPicked] = useState<[string | null, string | null]>([null, null]);
  const firstField = useRef<HTMLSelectElement>(null);
  // The first choice takes the focus once the places are known (the dialog opened before they were).
  useEffect(() => {
    if (ready) firstField.current?.focus();
  }, [ready]);
  const a = options.find((o) => o.key === picked[0]) ?? initial?.[0];
  const b = options.find((o) => o.key === picked[1]) ?? initial?.[1];

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (a && b) onStart([a, b]);
  };
  if (!ready) return <p className="compare-pick muted">Finding the models…</p>;
  if (options.length === 0) {
    return (
      <p className="compare-pick muted" data-testid="compare-nothing">
        There is no model to answer with: put a model in the models folder, or add and enable a remote provider in Connections.
      </p>
    );
  }
  return (
    <form className="compare-pick" data-testid="compare-pick" onSubmit={submit}>
      <div className="compare-pick-sides">
        {(['A', 'B'] as const).map((side, i) => (
          <label key={side} className="inline-field">
            Answer {side}
            <select
              data-testid={`compare-target-${side}`}
              value={(i === 0 ? a : b)?.key ?? ''}
              ref={i === 0 ? firstField : undefined}
              data-first-field={i === 0 ? '' : undefined}
              onChange={(e) => setPicked((old) => (i === 0 ? [e.target.value, old[1]] : [old[0], e.target.value]))}
            >
              {options.map((o) => (
                <option key={o.key} value={o.key}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      {a && b && a.key === b.key && (
        <p className="muted small-text">Both sides are the same model: the two answers differ only by sampling.</p>
      )}
      {a && b && a.target.kind === 'local' && b.target.kind === 'local' && a.key !== b.key && (
        <p className="muted small-text">Two local models run one after the other: the second waits while the first writes.</p>
      )}
      {(a?.target.kind === 'remote' || b?.target.kind === 'remote') && (
        <p className="muted small-text">Your message and this conversation so far are sent to the remote provider.</p>
      )}
      <div className="settings-actions">
        <button type="submit" className="button button-primary" data-testid="compare-start" disabled={busy || !a || !b}>
          Compare
        </button>
      </div>
    </form>
  );
}
