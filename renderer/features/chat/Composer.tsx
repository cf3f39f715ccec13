import { useState, type KeyboardEvent } from 'react';

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
}

const ERROR_ID = 'composer-error';

/**
 * Enter sends, Shift+Enter starts a new line. Every send goes to main, which says why it cannot take one (no
 * model, busy); the reason shows here, where the user is looking, and the text stays.
 */
export function Composer({ hint, streaming, error, onSend, onStop, onEdit, onPickModel }: Props) {
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
        {streaming ? (
          <button type="button" className="button button-danger" data-testid="stop" onClick={onStop}>
            Stop
          </button>
        ) : (
          <button type="submit" className="button button-primary" data-testid="send" disabled={!canSend}>
            Send
          </button>
        )}
      </form>
    </>
  );
}
