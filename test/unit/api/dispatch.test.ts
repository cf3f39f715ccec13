import { describe, expect, it } from 'vitest';
import { CALL_CHANNELS, EVENT_CHANNELS } from '../../../shared/channels';
import { calls, events } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { dispatch } from '../../../electron/api/dispatch';
import type { HandlerTable } from '../../../electron/api/handlers';

/** A table whose every handler records its input; only the channels a test calls matter. */
function recordingTable(seen: unknown[]): HandlerTable {
  return Object.fromEntries(
    CALL_CHANNELS.map((c) => [
      c,
      (input: unknown) => {
        seen.push(input);
        return { echoed: c };
      },
    ]),
  ) as unknown as HandlerTable;
}

describe('dispatch', () => {
  it('declares every channel name once, with schemas', () => {
    expect(new Set(CALL_CHANNELS).size).toBe(CALL_CHANNELS.length);
    expect(Object.keys(calls).sort()).toEqual([...CALL_CHANNELS].sort());
    expect(Object.keys(events).sort()).toEqual([...EVENT_CHANNELS].sort());
  });

  it('refuses an unknown channel before any handler runs', async () => {
    const seen: unknown[] = [];
    const r = await dispatch(recordingTable(seen), 'fs:readFile', { path: '/etc/passwd' });
    expect(r).toEqual({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringMatching(/Unknown channel/) } });
    expect(seen).toEqual([]);
  });

  it('refuses input that does not match the schema, naming the field', async () => {
    const seen: unknown[] = [];
    const r = await dispatch(recordingTable(seen), 'chat:send', { conversationId: null, text: '   ' });
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringMatching(/chat:send at text/) } });
    const extra = await dispatch(recordingTable(seen), 'settings:update', { addedModelPaths: ['/x.gguf'] });
    expect(extra.ok).toBe(false);
    expect(seen).toEqual([]);
  });

  it('passes parsed input through and wraps the result', async () => {
    const seen: unknown[] = [];
    const r = await dispatch(recordingTable(seen), 'chat:send', { conversationId: null, text: '  hi  ' });
    expect(r).toEqual({ ok: true, value: { echoed: 'chat:send' } });
    expect(seen).toEqual([{ conversationId: null, text: 'hi' }]);
  });

  it('turns thrown errors into envelopes: AppError keeps its code, anything else is INTERNAL', async () => {
    const table = recordingTable([]);
    (table as Record<string, unknown>)['engine:get'] = () => {
      throw new AppError('NO_MODEL', 'Pick a model first.');
    };
    (table as Record<string, unknown>)['models:list'] = () => Promise.reject(new TypeError('boom'));
    expect(await dispatch(table, 'engine:get', undefined)).toEqual({
      ok: false,
      error: { code: 'NO_MODEL', message: 'Pick a model first.' },
    });
    expect(await dispatch(table, 'models:list', undefined)).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
  });
});
