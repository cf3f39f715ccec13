import type { EventPayload } from '../../shared/contract';
import type { EventBus } from '../lib/events';
import type { ConversationsRepo } from './conversationsRepo';

const MAX_TITLE = 60;
/** A first sentence shorter than this ("Quick question.") says less than the one after it. */
const SHORT_SENTENCE = 20;
const GREETING =
  /^(?:hi|hello|hey|hiya|howdy|greetings|yo|good (?:morning|afternoon|evening)|dear \S+)(?:\s+(?:there|all|everyone|folks|friend))?(?:(?:[\s,!.:;]|[-–—])+|$)/i;

/** Markdown, reduced to the words a person reads: no fences, markers, link targets or HTML. */
function plainText(markdown: string): string {
  const lines: string[] = [];
  const code: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split('\n')) {
    const f = line.match(/^\s{0,3}(`{3,}|~{3,})/)?.[1];
    if (f && (fence === null || (f[0] === fence[0] && f.length >= fence.length))) {
      fence = fence === null ? f : null;
      continue;
    }
    if (fence !== null) {
      if (line.trim()) code.push(line.trim());
      continue;
    }
    lines.push(
      line
        .replace(/^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)/, '')
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/<\/?[A-Za-z][^<>]*>/g, '')
        .replace(/`([^`]+)`/g, '$1')
        .replace(/(^|[^\p{L}\p{N}])(\*\*|__|\*|_|~~)(\S(?:.*?\S)?)\2(?=[^\p{L}\p{N}]|$)/gu, '$1$3'),
    );
  }
  const text = lines.join(' ').replace(/\s+/g, ' ').trim();
  return text || (code[0] ?? '');
}

/**
 * A short title from a chat's first message, written without a model (so it cannot fail or come out as noise):
 * the message as plain text, without a greeting, cut at the end of its first sentence or at about 60 characters
 * on a word boundary. Null when nothing is left.
 */
export function deriveTitle(message: string): string | null {
  let text = plainText(message);
  const rest = text.replace(GREETING, '');
  if (rest.trim()) text = rest.trim();
  const sentence = /[.!?](?=\s|$)/.exec(text);
  if (sentence) {
    const first = text.slice(0, sentence.index + 1);
    const after = text.slice(sentence.index + 1).trim();
    text = first.length < SHORT_SENTENCE && after ? after : first;
  }
  text = text.replace(/[\s.,:;]+$/, '');
  if (text.length > MAX_TITLE) {
    const cut = text.slice(0, MAX_TITLE);
    const space = cut.lastIndexOf(' ');
    text = `${(space > MAX_TITLE / 2 ? cut.slice(0, space) : cut.slice(0, MAX_TITLE - 1)).replace(/[\s.,:;]+$/, '')}…`;
  }
  if (!text) return null;
  return text[0]!.toLocaleUpperCase() + text.slice(1);
}

/**
 * When a chat's first answer ends, gives the chat a title derived from its first message, unless the user has
 * named it (or it was imported): `title_status` is `pending` only until then. Returns the unsubscribe.
 */
export function watchTitles(deps: { events: EventBus; conversations: ConversationsRepo }): () => void {
  return deps.events.subscribe((event, payload) => {
    if (event !== 'chat:end') return;
    const { conversationId } = payload as EventPayload<'chat:end'>;
    if (deps.conversations.titleStatus(conversationId) !== 'pending') return;
    const first = deps.conversations.firstUserText(conversationId);
    const current = deps.conversations.get(conversationId)?.title ?? '';
    if (deps.conversations.setAutoTitle(conversationId, (first && deriveTitle(first)) || current)) {
      deps.events.emit('conversations:changed', { conversationId });
    }
  });
}
