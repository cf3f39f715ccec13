/**
 * The bridge: one function per contract channel, a subscription for declared events only, and the path of a
 * dropped file. The renderer never sees ipcRenderer or webUtils itself.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { CALL_CHANNELS, EVENT_CHANNELS, isEventChannel } from '../../shared/channels';

const call = Object.fromEntries(CALL_CHANNELS.map((c) => [c, (input: unknown) => ipcRenderer.invoke(c, input)]));

function on(event: string, listener: (payload: unknown) => void): () => void {
  if (!isEventChannel(event)) throw new Error(`unknown event ${event}`);
  const wrapped = (_e: IpcRendererEvent, payload: unknown): void => listener(payload);
  ipcRenderer.on(event, wrapped);
  return () => {
    ipcRenderer.removeListener(event, wrapped);
  };
}

/**
 * Where a file dropped on the window is on disk ('' for one that is not on disk), so a dropped .gguf can be added
 * with models:add. Since Electron 32 File.path is gone and only webUtils knows it; the path still goes through
 * models:add, which checks it like any other input.
 */
function pathForFile(file: unknown): string {
  // No instanceof check here: a File crosses the context bridge as Electron's own copy; webUtils refuses anything
  // that is not one.
  try {
    return webUtils.getPathForFile(file as File);
  } catch {
    return '';
  }
}

contextBridge.exposeInMainWorld('hearth', { call, on, events: [...EVENT_CHANNELS], pathForFile });
