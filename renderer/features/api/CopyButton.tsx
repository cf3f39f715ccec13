import { useEffect, useState } from 'react';
import { copyText } from '../chat/markdown/copyText';

interface Props {
  text: string;
  /** What is copied, for a screen reader and the button's name: "the key", "the address". */
  what: string;
  testId: string;
}

/** Copies `text` and says so ("Copied") for two seconds, out loud too. */
export function CopyButton({ text, what, testId }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <>
      <button
        type="button"
        className="button button-small api-copy"
        data-testid={testId}
        data-state={state}
        aria-label={state === 'idle' ? `Copy ${what}` : undefined}
        onClick={() => void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'))}
      >
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
      </button>
      <output className="sr-only">{state === 'copied' ? `Copied ${what}` : state === 'failed' ? `Could not copy ${what}` : ''}</output>
    </>
  );
}
