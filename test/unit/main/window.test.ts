import { beforeEach, describe, expect, it, vi } from 'vitest';

/** Electron cannot run here, so its API is replaced by recorders; the code under test is the real shell. */
const created: {
  options: Record<string, any>;
  handlers: Record<string, (...a: any[]) => any>;
  openHandler?: (d: { url: string }) => unknown;
}[] = [];
const openExternal = vi.fn();
const permissionHandler = vi.fn();

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: any;
    constructor(options: Record<string, any>) {
      const entry: (typeof created)[number] = { options, handlers: {} };
      created.push(entry);
      this.webContents = {
        setWindowOpenHandler: (h: (d: { url: string }) => unknown) => {
          entry.openHandler = h;
        },
        on: (event: string, h: (...a: any[]) => any) => {
          entry.handlers[event] = h;
        },
      };
    }
    once(): void {}
    loadFile(): Promise<void> {
      return Promise.resolve();
    }
    loadURL(): Promise<void> {
      return Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    shell: { openExternal },
    session: { defaultSession: { setPermissionRequestHandler: permissionHandler } },
  };
});

beforeEach(() => {
  created.length = 0;
  openExternal.mockClear();
});

describe('the desktop window', () => {
  it('is created with context isolation, the sandbox, and no Node in the renderer', async () => {
    const { createMainWindow } = await import('../../../electron/main/window');
    createMainWindow();
    expect(created[0]!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('denies every permission request, new window, and navigation away from the app', async () => {
    const { createMainWindow, isAppUrl } = await import('../../../electron/main/window');
    createMainWindow();
    const deny = vi.fn();
    permissionHandler.mock.calls.at(-1)![0]({}, 'media', deny);
    expect(deny).toHaveBeenCalledWith(false);

    const w = created[0]!;
    expect(w.openHandler!({ url: 'https://example.com/page' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://example.com/page');
    expect(w.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(w.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);

    const nav = { preventDefault: vi.fn() };
    w.handlers['will-navigate']!(nav, 'https://evil.example/');
    expect(nav.preventDefault).toHaveBeenCalled();
    expect(isAppUrl('https://evil.example/')).toBe(false);
  });
});
