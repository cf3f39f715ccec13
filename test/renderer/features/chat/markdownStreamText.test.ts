import { describe, expect, it } from 'vitest';
import { streamStore } from '../../../../renderer/features/chat/streamStore';

describe('the stream store as the Markdown renderer reads it', () => {
  it('gives the whole streamed text, joined once per change', () => {
    expect(streamStore.text('md')).toBeUndefined();
    const delta = 'x'.repeat(1500);
    streamStore.append('md', delta, 0);
    streamStore.append('md', delta, 1);
    const first = streamStore.text('md');
    expect(first).toBe(delta + delta);
    expect(streamStore.text('md')).toBe(first);
    streamStore.append('md', 'y', 2);
    expect(streamStore.text('md')).toBe(`${delta}${delta}y`);
    streamStore.end('md', 'final');
    expect(streamStore.text('md')).toBe('final');
    streamStore.forget('md');
    expect(streamStore.text('md')).toBeUndefined();
  });
});
