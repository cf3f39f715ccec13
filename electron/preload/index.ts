/**
 * The bridge: one function per contract channel, and a subscription for declared events only. The renderer
 * never sees ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
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

contextBridge.exposeInMainWorld('hearth', { call, on, events: [...EVENT_CHANNELS] });
