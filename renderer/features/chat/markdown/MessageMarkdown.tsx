// KaTeX's stylesheet is imported here, not in MarkdownBlock, so tests that render a block in Node need no CSS types.
import './katex.css';
import { useState } from 'react';
import { splitBlocks } from './blocks';
import { MarkdownBlock } from './MarkdownBlock';

/**
 * A model's message as Markdown, block by block. While it streams, each delta extends the text: the splitter
 * scans only the live block again, finished blocks keep their strings, and `MarkdownBlock` (memoized on its
 * text) renders only the live one anew. When the answer ends the same text gives the same blocks, so nothing
 * already on screen is rendered again.
 */
export function MessageMarkdown({ text, cursor }: { text: string; cursor: boolean }) {
  const [previous, setPrevious] = useState(() => splitBlocks(text));
  let blocks = previous;
  // While an answer streams its text only grows. A shorter text means the stream store has let go of the answer a
  // moment before the saved message arrives here (the refetch and the store are two sources): keep what is shown.
  const behind = cursor && text.length < previous.text.length && previous.text.startsWith(text);
  if (text !== previous.text && !behind) {
    blocks = splitBlocks(text, previous);
    setPrevious(blocks); // React's pattern for state derived from the previous render: no second pass below here
  }
  // One keyed list: when the live block is finished it keeps its key, so it re-renders once instead of remounting.
  const items = blocks.done.map((block, i) => <MarkdownBlock key={i} text={block} cursor={false} />);
  if (blocks.live !== '' || cursor) items.push(<MarkdownBlock key={blocks.done.length} text={blocks.live} cursor={cursor} />);
  return items;
}
