import { describe, expect, it, vi } from 'vitest';
import { CALL_CHANNELS, EVENT_CHANNELS } from '../../../shared/channels';

const exposed: Record<string, any> = {};
const invoked: unknown[] = [];
const asked: unknown[] = [];
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
  webUtils: {
    // As Electron's: a TypeError for anything that is not a File.
    getPathForFile: (file: unknown) => {
      if (!(file instanceof File)) throw new TypeError('Error processing argument at index 0, conversion failure');
      asked.push(file);
      return `/home/user/Downloads/${file.name}`;
    },
  },
}));

describe('preload bridge', () => {
  it('exposes one function per contract channel and events by name only, never ipcRenderer', async () => {
    await import('../../../electron/preload/index');
    const api = exposed.hearth;
    expect(Object.keys(api).sort()).toEqual(['call', 'events', 'on', 'pathForFile']);
    expect(Object.keys(api.call).sort()).toEqual([...CALL_CHANNELS].sort());
    await api.call['chat:stop']({ streamId: 's' });
    expect(invoked).toEqual([['chat:stop', { streamId: 's' }]]);
    expect(api.events).toEqual([...EVENT_CHANNELS]);
    expect(() => api.on('secret:channel', () => undefined)).toThrow(/unknown event/);
    expect(typeof api.on('chat:delta', () => undefined)).toBe('function');
  });

  it("gives a dropped file's path on disk through webUtils, and nothing for what is not a file", async () => {
    await import('../../../electron/preload/index');
    const api = exposed.hearth;
    const file = new File([new Uint8Array([1, 2, 3])], 'model.gguf');
    expect(api.pathForFile(file)).toBe('/home/user/Downloads/model.gguf');
    expect(asked).toEqual([file]);
    expect(api.pathForFile('/etc/passwd')).toBe('');
    expect(api.pathForFile({ name: 'model.gguf', path: '/x' })).toBe('');
    expect(asked).toHaveLength(1);
  });
});
