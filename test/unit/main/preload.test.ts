import { describe, expect, it, vi } from 'vitest';
import { CALL_CHANNELS, EVENT_CHANNELS } from '../../../shared/channels';

const exposed: Record<string, any> = {};
const invoked: unknown[] = [];
vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => {
      exposed[key] = api;
    },
  },
  ipcRenderer: {
    invoke: (...a: unknown[]) => {
      invoked.push(a);
      return Promise.resolve('r');
    },
    on: vi.fn(),
    removeListener: vi.fn(),
  },
}));

describe('preload bridge', () => {
  it('exposes one function per contract channel and events by name only, never ipcRenderer', async () => {
    await import('../../../electron/preload/index');
    const api = exposed.hearth;
    expect(Object.keys(api).sort()).toEqual(['call', 'events', 'on']);
    expect(Object.keys(api.call).sort()).toEqual([...CALL_CHANNELS].sort());
    await api.call['chat:stop']({ streamId: 's' });
    expect(invoked).toEqual([['chat:stop', { streamId: 's' }]]);
    expect(api.events).toEqual([...EVENT_CHANNELS]);
    expect(() => api.on('secret:channel', () => undefined)).toThrow(/unknown event/);
    expect(typeof api.on('chat:delta', () => undefined)).toBe('function');
  });
});
