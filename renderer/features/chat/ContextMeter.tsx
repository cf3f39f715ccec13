import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Settings } from '../../../shared/types';
import { call } from '../../api/client';

interface Props {
  conversationId: string | null;
  /** The message being written. */
  draft: string;
  /** Changes whenever the conversation does (a new message, an answer that ended): the count is taken again. */
  version: string;
  /** Changes when a model loads or goes: the count is taken again. */
  model: string | null;
  overflow: Settings['contextOverflow'] | undefined;
}

const DRAFT_PAUSE_MS = 300;
const n = (x: number): string => x.toLocaleString('en');

/**
 * Tokens used against the loaded model's real context: the system prompt, the chat and the message being
 * written, counted by the model's own template in the inference process. Says plainly what will happen when the
 * chat no longer fits, under the overflow policy in the settings.
 */
export function ContextMeter({ conversationId, draft, version, model, overflow }: Props) {
  const [settled, setSettled] = useState(draft);
  useEffect(() => {
    const t = setTimeout(() => setSettled(draft), DRAFT_PAUSE_MS);
    return () => clearTimeout(t);
  }, [draft]);
  const q = useQuery({
    queryKey: ['measure', conversationId, settled, version, model],
    queryFn: () => call('chat:measure', { conversationId, draft: settled }),
    placeholderData: (previous) => previous,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const m = q.data;
  if (!m)
    return (
      <output className="context-meter" data-testid="context-meter" data-state="none">
        Context: load a model to count tokens
      </output>
    );
  const share = m.total / m.contextSize;
  const state = share > 1 ? 'over' : share > 0.8 ? 'near' : 'ok';
  const note =
    state !== 'over'
      ? null
      : overflow === 'stop'
        ? 'This chat no longer fits: start a new chat, or let Hearth drop the oldest messages (Settings).'
        : 'The oldest messages will leave the model\u2019s view; the system prompt stays.';
  return (
    <output
      className={`context-meter context-${state}`}
      data-testid="context-meter"
      data-state={state}
      title={`System prompt ${n(m.system)} · chat ${n(m.history)} · this message ${n(m.draft)} tokens`}
    >
      <span className="context-bar" aria-hidden="true">
        <span style={{ width: `${Math.min(100, share * 100).toFixed(1)}%` }} />
      </span>
      <span>
        {n(m.total)} / {n(m.contextSize)} tokens
      </span>
      {note && <span className="context-note">{note}</span>}
    </output>
  );
}
