import { useEffect, useRef } from 'react';
import type { ModelSwitch } from './useModelSwitch';

/**
 * The question a switch asks while answers are being written: let them finish, stop them, or cancel. It takes the
 * focus, and Escape cancels.
 */
export function SwitchChoice({ model, className = 'switch-choice' }: { model: ModelSwitch; className?: string }) {
  return model.pending ? <Choice model={model} pending={model.pending} className={className} /> : null;
}

function Choice({ model, pending, className }: { model: ModelSwitch; pending: NonNullable<ModelSwitch['pending']>; className: string }) {
  const first = useRef<HTMLButtonElement>(null);
  // Once, when the question appears: a re-render (progress elsewhere on the page) must not pull the focus back.
  useEffect(() => first.current?.focus(), []);
  const escape = (e: { key: string }): void => {
    if (e.key === 'Escape') model.cancel();
  };
  const one = pending.answers === 1;
  const verb = pending.path === null ? 'unload' : 'switch';
  return (
    <div
      className={className}
      role="alertdialog"
      aria-label={pending.path === null ? 'Unload the model' : 'Switch models'}
      data-testid="switch-choice"
    >
      <span>{one ? '1 answer is' : `${pending.answers} answers are`} still being written.</span>
      <button
        className="button"
        type="button"
        onKeyDown={escape}
        onClick={() => void model.load(pending.path, 'wait', pending.answers)}
        ref={first}
      >
        Let {one ? 'it' : 'them'} finish, then {verb}
      </button>
      <button className="button" type="button" onKeyDown={escape} onClick={() => void model.load(pending.path, 'stop')}>
        Stop {one ? 'it' : 'them'} and {verb}
      </button>
      <button className="button button-ghost" type="button" onKeyDown={escape} onClick={model.cancel}>
        Cancel
      </button>
    </div>
  );
}

/** While a switch waits for answers, and when it failed: said in words. */
export function SwitchNotes({ model }: { model: ModelSwitch }) {
  return (
    <>
      {model.waiting > 0 && (
        <output className="picker-note">
          {model.waitingFor === null ? 'Unloading' : 'Switching'} once {model.waiting === 1 ? 'the answer finishes' : 'the answers finish'}…
        </output>
      )}
      {model.error && (
        <div className="picker-error" role="alert">
          {model.error}
        </div>
      )}
    </>
  );
}
