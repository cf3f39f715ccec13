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

describe('the turns of a chat that answers from documents', () => {
  const sources = { passages: [{ n: 1, fileName: 'a.md', page: null, heading: null, text: 'Kilns are hot.' }], none: null } as const;

  it('adds the rules for sources to the system prompt and the passages to the last question only', () => {
    const turns = buildTurns('Be brief.', [msg('user', 'First?'), msg('assistant', 'First answer [1].'), msg('user', 'How hot?')], {
      passages: [...sources.passages],
      none: null,
    });
    expect(turns.map((t) => t.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(turns[0]!.content).toMatch(/^Be brief\.\n\nThe user has attached documents/);
    // Earlier turns go as they were written, so the history the engine cached is read again unchanged.
    expect(turns[1]!.content).toBe('First?');
    expect(turns[2]!.content).toBe('First answer [1].');
    expect(turns[3]!.content).toBe('<sources>\n<source n="1" file="a.md">\nKilns are hot.\n</source>\n</sources>\n\nHow hot?');
  });

  it('puts the sources on the question before an answer being continued, not on the answer', () => {
    const turns = buildTurns('', [msg('user', 'How hot?'), msg('assistant', 'About', { status: 'stopped' })], {
      passages: [...sources.passages],
      none: null,
    });
    expect(turns.map((t) => t.role)).toEqual(['system', 'user', 'assistant']);
    expect(turns[1]!.content).toMatch(/^<sources>[\s\S]*<\/sources>\n\nHow hot\?$/);
    expect(turns[2]!.content).toBe('About');
  });

  it('tells the model when nothing relevant was found', () => {
    const turns = buildTurns('Be brief.', [msg('user', 'Who won in 1930?')], { passages: [], none: 'nothing-found' });
    expect(turns[1]!.content).toMatch(
      /^<sources>\nNo passage in the attached documents is relevant to this message\. Say so in your answer\.\n<\/sources>\n\nWho won in 1930\?$/,
    );
  });

  it('sends a chat without collections exactly as before', () => {
    const history = [msg('user', 'hi')];
    expect(buildTurns('Be brief.', history, null)).toEqual(buildTurns('Be brief.', history));
    expect(buildTurns('Be brief.', history)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ]);
  });
});
