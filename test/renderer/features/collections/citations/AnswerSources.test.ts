import { createElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { EMPTY_STATS } from '../../../../../electron/chat/messagesRepo';
import type { Citation } from '../../../../../shared/rag';
import type { Message } from '../../../../../shared/types';
import { MarkdownBlock } from '../../../../../renderer/features/chat/markdown/MarkdownBlock';
import { AnswerSources } from '../../../../../renderer/features/collections/citations/AnswerSources';
import { CitationsContext } from '../../../../../renderer/features/collections/citations/citationsContext';
import { citation } from '../fixtures';

const answer = (over: Partial<Message>): Message => ({
  id: 'm',
  conversationId: 'c',
  role: 'assistant',
  content: 'It is serviced every spring [1].',
  status: 'complete',
  error: null,
  model: 'tiny.gguf',
  stats: EMPTY_STATS,
  thoughts: '',
  thoughtMs: null,
  createdAt: 1,
  ...over,
});
// The context as CitationsProvider gives it (the provider itself imports the API client, which needs a window).
const within = (citations: Citation[] | undefined, child: ReactNode): string =>
  renderToStaticMarkup(createElement(CitationsContext, { value: { citations: citations ?? [], open: () => undefined } }, child));
const block = (text: string, citations: Citation[] | undefined): string =>
  within(citations, createElement(MarkdownBlock, { text, cursor: false }));

describe('citations in a rendered answer', () => {
  it('renders [n] with a source as a labelled button, and [n] without one as its text', () => {
    const html = block('Serviced in spring [1], inspected yearly [2].', [citation({ n: 1 })]);
    expect(html).toContain(
      '<button type="button" class="citation-mark" aria-label="Source 1: report.pdf, page 3" aria-expanded="false" data-testid="citation-mark" data-n="1">1</button>',
    );
    expect(html).toContain('inspected yearly [2].');
    expect(html.match(/<button/g)).toHaveLength(1);
  });

  it('renders the same cached block as text where the answer has no sources', () => {
    const text = 'A cached block [1].';
    expect(block(text, [citation()])).toContain('data-testid="citation-mark"');
    expect(block(text, undefined)).toBe('<div class="md-block"><p>A cached block [1].</p></div>');
  });

  it('keeps [n] inside code as code', () => {
    expect(block('`arr[1]`', [citation()])).toContain('<code>arr[1]</code>');
  });

  it('lists the sources under the answer, each a button named by its number, file and page, with its snippet', () => {
    const cites = [
      citation({ n: 1 }),
      citation({ n: 2, fileName: 'notes.md', path: '/docs/notes.md', page: null, heading: 'Boiler > Service' }),
    ];
    const html = within(cites, createElement(AnswerSources, { message: answer({ citations: cites }) }));
    expect(html).toContain('data-testid="answer-sources"');
    expect(html.match(/data-testid="citation"/g)).toHaveLength(2);
    expect(html).toContain('aria-label="Source 1: report.pdf, page 3. Show in the document"');
    expect(html).toContain('aria-label="Source 2: notes.md. Show in the document"');
    expect(html).toContain('<span class="answer-source-heading">Boiler &gt; Service</span>');
    expect(html).toContain('The boiler is serviced every spring.');
  });

  it('lists three sources and a button for the rest, so an answer with many stays short', () => {
    const cites = [1, 2, 3, 4, 5].map((n) => citation({ n }));
    const html = within(cites, createElement(AnswerSources, { message: answer({ citations: cites }) }));
    expect(html.match(/data-testid="citation"/g)).toHaveLength(3);
    expect(html).toMatch(
      /<button type="button" class="link-button answer-sources-more" aria-expanded="false" aria-controls="[^"]+" data-testid="sources-more">Show all 5 sources<\/button>/,
    );
    const three = cites.slice(0, 3);
    expect(within(three, createElement(AnswerSources, { message: answer({ citations: three }) }))).not.toContain('sources-more');
  });

  it('says when the collections held nothing relevant, and says nothing for answers that did not search', () => {
    const none = within([], createElement(AnswerSources, { message: answer({ citations: [] }) }));
    expect(none).toContain('data-testid="no-passages"');
    expect(none).toContain('No relevant passages were found');
    expect(within(undefined, createElement(AnswerSources, { message: answer({}) }))).toBe('');
    // Not while the answer is still being written: its search may still be under way.
    expect(within([], createElement(AnswerSources, { message: answer({ citations: [], status: 'streaming' }) }))).toBe('');
  });
});
