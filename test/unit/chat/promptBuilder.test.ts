import { describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/types';
import { buildTurns } from '../../../electron/chat/promptBuilder';
import { EMPTY_STATS } from '../../../electron/chat/messagesRepo';

const msg = (role: Message['role'], content: string, over: Partial<Message> = {}): Message => ({
  id: `${role}-${content}`,
  conversationId: 'c',
  role,
  content,
  status: 'complete',
  error: null,
  model: null,
  stats: EMPTY_STATS,
  thoughts: '',
  thoughtMs: null,
  createdAt: 1,
  ...over,
});

describe('the turns the model sees', () => {
  it('never sends thoughts back as history: only what each answer said', () => {
    const turns = buildTurns('Be brief.', [
      msg('user', 'Why is the sky blue?'),
      msg('assistant', 'Rayleigh scattering.', { thoughts: 'Light scatters, shorter waves more...', thoughtMs: 3200 }),
      msg('user', 'And sunsets?'),
      // Stopped while thinking: thoughts, but no answer to send.
      msg('assistant', '', { status: 'stopped', thoughts: 'Longer path through air...', thoughtMs: 900 }),
      msg('user', 'Well?'),
    ]);
    expect(turns).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Why is the sky blue?' },
      { role: 'assistant', content: 'Rayleigh scattering.' },
      { role: 'user', content: 'And sunsets?' },
      { role: 'user', content: 'Well?' },
    ]);
    expect(JSON.stringify(turns)).not.toMatch(/scatters|Longer path/);
  });
});
