import { useState, type KeyboardEvent } from 'react';

interface Props {
  disabled: boolean;
  disabledReason: string | null;
  streaming: boolean;
  onSend: (text: string) => Promise<boolean>;
  onStop: () => void;
}

/** Enter sends, Shift+Enter starts a new line. The text stays if sending fails. */
export function Composer({ disabled, disabledReason, streaming, onSend, onStop }: Props) {
  const [text, setText] = useState('');
  const canSend = !disabled && !streaming && text.trim().length > 0;
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
    <form className="composer" onSubmit={(e) => { e.preventDefault(); void send(); }}>
      <textarea
        data-testid="composer-input"
        aria-label="Message"
        placeholder={disabledReason ?? 'Write a message (Enter to send, Shift+Enter for a new line)'}
        value={text}
        rows={3}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      {streaming ? (
        <button type="button" className="button button-danger" data-testid="stop" onClick={onStop}>Stop</button>
      ) : (
        <button type="submit" className="button button-primary" data-testid="send" disabled={!canSend}>Send</button>
      )}
    </form>
  );
}
