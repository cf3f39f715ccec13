import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CALL_CHANNELS } from '../../shared/channels';
import type { Backend } from '../api/backend';
import { dispatch } from '../api/dispatch';

/**
 * Electron IPC over the handler table. Every call is answered only for the app's own top frame at the app's
 * own URL; anything else (an injected frame, a navigated page) gets FORBIDDEN and no service runs.
 */
export function registerIpc(backend: Backend, isAppUrl: (url: string) => boolean, target: () => WebContents | null): () => void {
  const allowed = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    return !!frame && frame === event.sender.mainFrame && isAppUrl(frame.url);
  };
  for (const channel of CALL_CHANNELS) {
    ipcMain.handle(channel, (event, input: unknown) =>
      allowed(event)
        ? dispatch(backend.handlers, channel, input)
        : { ok: false, error: { code: 'FORBIDDEN', message: 'This frame may not call Hearth.' } },
    );
  }
  const unsubscribe = backend.events.subscribe((event, payload) => {
    const wc = target();
    if (wc && !wc.isDestroyed()) wc.send(event, payload);
  });
  return () => {
    unsubscribe();
    for (const channel of CALL_CHANNELS) ipcMain.removeHandler(channel);
  };
}
