import { memo, useEffect, useState } from 'react';
import type { Message } from '../../../shared/types';
import { streamStore, useStreamThoughts } from './streamStore';

/** "3.2 s" under a minute, "2 min 5 s" from there. */
export function formatDuration(ms: number): string {
  if (ms < 59_950) return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Re-renders every `ms` while `on`, so a live timer moves between deltas. */
function useTick(on: boolean, ms = 100): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setTick((n) => n + 1), ms);
    return () => clearInterval(timer);
  }, [on, ms]);
}

/**
 * A reasoning model's thoughts, above its answer: collapsed, "Thinking… 2.1 s" with a live timer while it
 * thinks, then "Thought for 3.2 s". Opens to the thought text, always rendered as text. Renders nothing for an
 * answer without thoughts. The thoughts come from the stream store while they stream, else from the message.
 */
export const ThinkingBlock = memo(function ThinkingBlock({ message }: { message: Message }) {
  const live = useStreamThoughts(message.id);
  const [open, setOpen] = useState(false);
  const thinking = live ? live.ms === null : message.status === 'streaming' && !message.content && message.thoughtMs === null;
  useTick(thinking && live !== undefined);
  const pieces = live?.pieces ?? (message.thoughts ? [message.thoughts] : []);
  if (pieces.length === 0) return null;
  const ms = live ? live.ms : message.thoughtMs;
  return (
    <details
      className="thinking"
      data-testid="thinking"
      data-state={thinking ? 'thinking' : 'done'}
      open={open}
      onToggle={(e) => setOpen(e.currentTarget.open)}
    >
      <summary className="thinking-summary" data-testid="thinking-summary">
        {thinking ? (
          <>
            Thinking…
            {live && (
              // The ticking seconds are for the eye; a screen reader in the live message list would hear every tick.
              <span className="thinking-time" aria-hidden="true">
                {' '}
                {formatDuration(streamStore.now() - live.startedAt)}
              </span>
            )}
          </>
        ) : ms !== null ? (
          `Thought for ${formatDuration(ms)}`
        ) : (
          'Thoughts'
        )}
      </summary>
      {/* Only an open block holds the text, so a long stream of thoughts costs nothing while it is collapsed. */}
      {open && (
        <div className="thinking-text" data-testid="thinking-text">
          {pieces.map((piece, i) => (
            <span key={i}>{piece}</span>
          ))}
        </div>
      )}
    </details>
  );
});
