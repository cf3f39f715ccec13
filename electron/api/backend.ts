import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppInfo } from '../../shared/types';
import { ChatService } from '../chat/chatService';
import { ConversationsRepo } from '../chat/conversationsRepo';
import { MessagesRepo } from '../chat/messagesRepo';
import { openDatabase } from '../db/open';
import { InferenceHost, type WorkerSpawner } from '../inference/host';
import type { GpuChoice } from '../inference/protocol';
import { EventBus } from '../lib/events';
import { ModelsService } from '../models/modelsService';
import { SettingsService } from '../settings/settingsService';
import { createHandlers, type HandlerTable } from './handlers';

export interface BackendOptions {
  dataDir: string;
  modelsDir: string;
  spawner: WorkerSpawner;
  gpu: GpuChoice;
  threads: number;
  shell: AppInfo['shell'];
  version: string;
  demo?: boolean;
  pickFile?: () => Promise<string | null>;
  flushMs?: number;
}

export interface Backend {
  handlers: HandlerTable;
  events: EventBus;
  host: InferenceHost;
  chat: ChatService;
  models: ModelsService;
  settings: SettingsService;
  dispose(deadlineMs?: number): Promise<void>;
}

/** Wires the database, the inference host and the services. Used by the desktop main and the headless server. */
export function createBackend(o: BackendOptions): Backend {
  mkdirSync(o.dataDir, { recursive: true });
  mkdirSync(o.modelsDir, { recursive: true });
  const { db } = openDatabase(join(o.dataDir, 'hearth.db'));
  const events = new EventBus();
  const settings = new SettingsService(db);
  const host = new InferenceHost(o.spawner, { gpu: o.gpu });
  host.onState((state) => events.emit('engine:state', state));
  const models = new ModelsService(host, settings, { modelsDir: o.modelsDir, threads: o.threads });
  const chat = new ChatService({
    conversations: new ConversationsRepo(db), messages: new MessagesRepo(db), settings, models, host, events,
    ...(o.flushMs !== undefined ? { flushMs: o.flushMs } : {}),
  });
  const info: AppInfo = {
    version: o.version, shell: o.shell, modelsDir: o.modelsDir, dataDir: o.dataDir, canPickFiles: !!o.pickFile, demo: !!o.demo,
  };
  const handlers = createHandlers({ info, chat, models, settings, host, ...(o.pickFile ? { pickFile: o.pickFile } : {}) });
  let disposed: Promise<void> | null = null;
  return {
    handlers, events, host, chat, models, settings,
    dispose: (deadlineMs = 3000) => (disposed ??= (async () => {
      await Promise.race([chat.stopAll(), new Promise((r) => setTimeout(r, deadlineMs))]);
      await host.dispose(deadlineMs);
      db.close();
    })()),
  };
}
