import type { CallChannel } from '../../shared/channels';
import type { CallOutput, calls } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { AppInfo } from '../../shared/types';
import type { z } from 'zod';
import type { ChatService } from '../chat/chatService';
import type { InferenceHost } from '../inference/host';
import type { ModelsService } from '../models/modelsService';
import type { SettingsService } from '../settings/settingsService';

type Parsed<C extends CallChannel> = z.output<(typeof calls)[C]['input']>;

/** One function per channel, taking the parsed input. Knows nothing of the transport that called it. */
export type HandlerTable = { [C in CallChannel]: (input: Parsed<C>) => Promise<CallOutput<C>> | CallOutput<C> };

export interface HandlerDeps {
  info: AppInfo;
  chat: ChatService;
  models: ModelsService;
  settings: SettingsService;
  host: InferenceHost;
  /** A native "open file" dialog, where the shell has one (desktop). */
  pickFile?: () => Promise<string | null>;
}

export function createHandlers(d: HandlerDeps): HandlerTable {
  return {
    'app:getInfo': () => d.info,
    'conversations:list': () => d.chat.list(),
    'conversations:get': ({ id }) => d.chat.get(id),
    'conversations:create': () => d.chat.create(),
    'conversations:rename': ({ id, title }) => d.chat.rename(id, title),
    'conversations:delete': ({ id }) => d.chat.remove(id),
    'conversations:search': ({ query }) => d.chat.search(query),
    'chat:send': (input) => d.chat.send(input),
    'chat:stop': ({ streamId }) => d.chat.stop(streamId),
    'chat:active': () => d.chat.active(),
    'models:list': () => d.models.list(),
    'models:add': ({ path }) => d.models.add(path),
    'models:pickFile': async () => {
      if (!d.pickFile) throw new AppError('UNSUPPORTED', 'This window cannot open a file dialog; type the path of the .gguf file instead.');
      return { path: await d.pickFile() };
    },
    'models:load': ({ path }) => d.models.load(path),
    'models:unload': () => d.models.unload(),
    'engine:get': () => d.host.getState(),
    'settings:get': () => d.settings.get(),
    'settings:update': (patch) => d.settings.update(stripUndefined(patch)),
  };
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
