import type { Conversation, Message, MessageRole } from '../../../shared/types';

const ROLE: Record<MessageRole, string> = { user: 'You', assistant: 'Assistant', system: 'System' };

/**
 * A fence left open at the end of `text` (an answer stopped inside a code block), or null. Closing it keeps the
 * next heading from being read as code.
 */
function openFence(text: string): string | null {
  let open: string | null = null;
  for (const line of text.split('\n')) {
    const f = line.match(/^\s{0,3}(`{3,}|~{3,})(.*)$/);
    if (!f) continue;
    const marks = f[1]!;
    if (open === null) open = marks;
    else if (marks[0] === open[0] && marks.length >= open.length && !f[2]!.trim()) open = null;
  }
  return open;
}

function messageMarkdown(m: Message): string {
  const who = m.role === 'assistant' && m.model ? `${ROLE[m.role]} (${m.model})` : ROLE[m.role];
  const fence = openFence(m.content);
  const parts = [`## ${who}`, fence ? `${m.content}\n${fence}` : m.content];
  if (m.status === 'stopped') parts.push(m.error ? `_Stopped: ${m.error}_` : '_Stopped._');
  if (m.status === 'failed') parts.push(`_Failed${m.error ? `: ${m.error}` : '.'}_`);
  return parts.filter((p) => p !== '').join('\n\n');
}

/**
 * One conversation as Markdown: its title, then a heading per message naming who wrote it, then the message's
 * text exactly as stored (code blocks included, verbatim).
 */
export function toMarkdown(conversation: Conversation, messages: Message[]): string {
  const title = conversation.title.replace(/\s+/g, ' ').trim() || 'Untitled chat';
  return `${[`# ${title}`, ...messages.map(messageMarkdown)].join('\n\n')}\n`;
}
