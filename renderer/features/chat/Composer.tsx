import { useState, type KeyboardEvent, type ReactNode } from 'react';

/** Why the last send or stop failed; `pickModel` adds a way to the model picker. */
export interface ComposerError {
  message: string;
  pickModel: boolean;
}

interface Props {
  /** Shown while the box is empty: what to do first, if anything. */
  hint: string | null;
  streaming: boolean;
  error: ComposerError | null;
  onSend: (text: string) => Promise<boolean>;
  onStop: () => void;
  onEdit: () => void;
  onPickModel: () => void;
  /** Shown under the box, given what is being written (the context meter). */
  meter?: (draft: string) => ReactNode;
}

const ERROR_ID = 'composer-error';

/**
 * Enter sends, Shift+Enter starts a new line. Every send goes to main, which says why it cannot take one (no
 * model, busy); the reason shows here, where the user is looking, and the text stays.
 */
export function Composer({ hint, streaming, error, onSend, onStop, onEdit, onPickModel, meter }: Props) {
  const [text, setText] = useState('');
  const canSend = text.trim().length > 0;
  const send = async (): Promise<void> => {
    if (!canSend) return;
    const sent = text;
    setText('');
    if (!(await onSend(sent))) setText(sent);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };
  return (
    <>
      {error && (
        <div className="banner banner-error" role="alert" id={ERROR_ID} data-testid="composer-error">
          {error.message}
          {error.pickModel && (
            <>
              {' '}
              <button type="button" className="button button-ghost" data-testid="composer-pick-model" onClick={onPickModel}>
                Choose a model
              </button>
            </>
          )}
        </div>
      )}
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <textarea
          data-testid="composer-input"
          aria-label="Message"
          aria-describedby={error ? ERROR_ID : undefined}
          placeholder={hint ?? 'Write a message (Enter to send, Shift+Enter for a new line)'}
          value={text}
          rows={3}
          onChange={(e) => {
            setText(e.target.value);
            if (error) onEdit();
          }}
          onKeyDown={onKeyDown}
        />
        {/* One button that changes its job, so the focus stays on it when Send turns into Stop and back. */}
        <button
          type={streaming ? 'button' : 'submit'}
          className={`button ${streaming ? 'button-danger' : 'button-primary'}`}
          data-testid={streaming ? 'stop' : 'send'}
          // aria-disabled, not disabled: a disabled button drops the focus, which must stay on it as Send turns
          // into Stop and back.
          aria-disabled={!streaming && !canSend}
          onClick={
            streaming
              ? (e) => {
                  e.preventDefault();
                  onStop();
                }
              : undefined
          }
        >
          {streaming ? 'Stop' : 'Send'}
        </button>
      </form>
      {meter?.(text)}
    </>
  );
}
