import { describe, expect, it } from 'vitest';
import type { ActiveStream, ChatDelta } from '../../../shared/contract';
import { createStreamSync } from '../../../renderer/api/streamSync';
import { streamStore } from '../../../renderer/features/chat/streamStore';

const delta = (messageId: string, seq: number, text: string): ChatDelta => ({
  streamId: messageId,
  conversationId: 'c',
  messageId,
  text,
  seq,
});
const active = (messageId: string, content: string, seq: number): ActiveStream => ({
  streamId: messageId,
  conversationId: 'c',
  messageId,
  content,
  thoughts: '',
  thoughtStartedAt: null,
  thoughtMs: null,
  seq,
  ahead: 0,
});

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/** A stream sync over the real store, with main's `chat:active` answered from `server`. */
function setup(server: () => ActiveStream[]) {
  const calls: number[] = [];
  const ended: string[][] = [];
  const sync = createStreamSync({
    store: streamStore,
    fetchActive: async () => {
      calls.push(Date.now());
      return server();
    },
    onEnded: (ids) => ended.push(ids),
  });
  return { sync, calls, ended };
}

describe('keeping streamed text true when events go missing', () => {
  it('appends deltas in order without asking main', async () => {
    const { sync, calls } = setup(() => []);
    sync.delta(delta('s1', 0, 'Hel'));
    sync.delta(delta('s1', 1, 'lo'));
    sync.delta(delta('s1', 1, 'lo'));
    expect(streamStore.get('s1')!.join('')).toBe('Hello');
    expect(calls).toEqual([]);
    streamStore.forget('s1');
  });

  it("drops a delta that skips one and takes main's text instead", async () => {
    let server = [active('s2', 'one two three four', 3)];
    const { sync, calls } = setup(() => server);
    sync.delta(delta('s2', 0, 'one'));
    sync.delta(delta('s2', 3, ' four')); // 1 and 2 were lost
    expect(streamStore.get('s2')!.join('')).toBe('one'); // never "one four"
    await settle();
    expect(calls.length).toBe(1);
    expect(streamStore.get('s2')!.join('')).toBe('one two three four');
    sync.delta(delta('s2', 4, ' five'));
    expect(streamStore.get('s2')!.join('')).toBe('one two three four five');
    server = [];
    streamStore.forget('s2');
  });

  it('picks up an answer this page joined midway (its first delta is not seq 0)', async () => {
    const { sync } = setup(() => [active('s3', 'earlier text and more', 7)]);
    sync.delta(delta('s3', 7, ' and more'));
    await settle();
    expect(streamStore.get('s3')!.join('')).toBe('earlier text and more');
    streamStore.forget('s3');
  });

  it('ends an answer main no longer writes (its end was missed) and reports it for a refetch', async () => {
    const { sync, ended } = setup(() => [active('s5', 'still going', 0)]);
    sync.delta(delta('s4', 0, 'partial'));
    sync.delta(delta('s5', 0, 'still going'));
    await sync.resync();
    expect(ended).toEqual([['s4']]);
    // It keeps its text until the refetch brings the saved answer, and late deltas no longer change it.
    sync.delta(delta('s4', 1, ' late'));
    await settle();
    expect(streamStore.get('s4')).toEqual(['partial']);
    expect(streamStore.get('s5')!.join('')).toBe('still going');
    streamStore.forget('s4');
    streamStore.forget('s5');
  });

  it("never goes back: a delta newer than main's answer is kept", () => {
    streamStore.append('s6', 'abc', 2);
    expect(streamStore.resync([active('s6', 'ab', 1)])).toEqual([]);
    expect(streamStore.get('s6')!.join('')).toBe('abc');
    streamStore.forget('s6');
  });

  it('runs one resync at a time, and once more when asked during one', async () => {
    let release!: () => void;
    let n = 0;
    const sync = createStreamSync({
      store: streamStore,
      fetchActive: () => {
        n++;
        return n === 1
          ? new Promise((r) => {
              release = () => r([]);
            })
          : Promise.resolve([]);
      },
      onEnded: () => undefined,
    });
    const first = sync.resync();
    void sync.resync();
    void sync.resync();
    release();
    await first;
    expect(n).toBe(2);
  });

  it('survives a failed call (the socket dropped again)', async () => {
    const sync = createStreamSync({
      store: streamStore,
      fetchActive: () => Promise.reject(new Error('Lost the connection')),
      onEnded: () => undefined,
    });
    await expect(sync.resync()).resolves.toBeUndefined();
  });
});

describe('thought deltas through the stream sync', () => {
  it('puts thought and text deltas of one stream on one seq, each where it belongs', async () => {
    const { sync, calls } = setup(() => []);
    sync.delta({ ...delta('t1', 0, 'thinking '), kind: 'thought' });
    sync.delta({ ...delta('t1', 1, 'more'), kind: 'thought' });
    sync.delta({ ...delta('t1', 2, 'Answer'), kind: 'text' });
    sync.delta(delta('t1', 3, '!')); // no kind: text
    expect(streamStore.thoughts('t1')!.pieces.join('')).toBe('thinking more');
    expect(streamStore.get('t1')!.join('')).toBe('Answer!');
    expect(calls).toEqual([]);
    streamStore.forget('t1');
  });

  it('resyncs when a lost delta was a thought, and takes the thoughts main has', async () => {
    const server = [{ ...active('t2', 'Ans', 3), thoughts: 'a b c', thoughtStartedAt: 10, thoughtMs: 20 }];
    const { sync, calls } = setup(() => server);
    sync.delta({ ...delta('t2', 0, 'a '), kind: 'thought' });
    sync.delta(delta('t2', 2, 'Ans')); // seq 1, a thought, was lost
    await settle();
    expect(calls.length).toBe(1);
    expect(streamStore.thoughts('t2')).toEqual({ pieces: ['a b c'], startedAt: 10, ms: 20 });
    expect(streamStore.get('t2')!.join('')).toBe('Ans');
    streamStore.forget('t2');
  });
});
