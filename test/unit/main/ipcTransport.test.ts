import { describe, expect, it, vi } from 'vitest';
import { CALL_CHANNELS } from '../../../shared/channels';

const handlers = new Map<string, (event: unknown, input: unknown) => unknown>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, h: (event: unknown, input: unknown) => unknown) => handlers.set(channel, h),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const APP = 'file:///opt/hearth/out/renderer/index.html';

function fakeEvent(url: string, top = true): unknown {
  const mainFrame = { url };
  return { sender: { mainFrame }, senderFrame: top ? mainFrame : { url } };
}

describe('Electron IPC transport', () => {
  it('registers every contract channel, answers the app frame and refuses any other sender', async () => {
    const { registerIpc } = await import('../../../electron/main/ipcTransport');
    const { EventBus } = await import('../../../electron/lib/events');
    const calls: unknown[] = [];
    const table = Object.fromEntries(
      CALL_CHANNELS.map((c) => [
        c,
        (input: unknown) => {
          calls.push([c, input]);
          return 'ok';
        },
      ]),
    );
    const backend = { handlers: table, events: new EventBus() } as never;
    const sent: unknown[] = [];
    const off = registerIpc(
      backend,
      (u) => u === APP,
      () => ({ isDestroyed: () => false, send: (...a: unknown[]) => sent.push(a) }) as never,
    );

    expect([...handlers.keys()].sort()).toEqual([...CALL_CHANNELS].sort());
    expect(await handlers.get('engine:get')!(fakeEvent(APP), undefined)).toEqual({ ok: true, value: 'ok' });
    expect(await handlers.get('engine:get')!(fakeEvent('https://evil.example/'), undefined)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await handlers.get('engine:get')!(fakeEvent(APP, false), undefined)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await handlers.get('chat:send')!(fakeEvent(APP), { text: 42 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(calls).toEqual([['engine:get', undefined]]);

    (backend as { events: InstanceType<typeof EventBus> }).events.emit('conversations:changed', { conversationId: null });
    expect(sent).toEqual([['conversations:changed', { conversationId: null }]]);
    off();
    expect(handlers.size).toBe(0);
  });
});
