import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppInfo } from '../../shared/types';
import { AnswerRunner } from '../chat/answerRunner';
import { watchTitles } from '../chat/autoTitle';
import { type ChatBackend, LocalChatBackend } from '../chat/chatBackend';
import { bindChatSettings, ChatSettings } from '../chat/chatSettings';
import { ContextMeter } from '../chat/contextMeter';
import { ConversationsService } from '../chat/conversationsService';
import { ConversationsRepo } from '../chat/conversationsRepo';
import { MessagesRepo } from '../chat/messagesRepo';
import { PresetsRepo } from '../chat/presetsRepo';
import { PresetsService } from '../chat/presetsService';
import { SearchRepo } from '../chat/searchRepo';
import { openDatabase } from '../db/open';
import { InferenceHost, type HostOptions, type WorkerSpawner } from '../inference/host';
import type { GpuChoice } from '../inference/protocol';
import { EventBus } from '../lib/events';
import { DoctorService } from '../models/doctor/doctorService';
import { CollectionsService } from '../rag/collectionsService';
import { AnswerSources } from '../rag/ask/answerSources';
import { engineGauge } from '../rag/ask/chatGauge';
import { DocumentsService } from '../rag/documentsService';
import { DownloadsService } from '../models/download/downloadsService';
import { HubService } from '../models/hub/hubService';
import { ModelsService } from '../models/modelsService';
import { Scheduler } from '../scheduler/scheduler';
import { SettingsService } from '../settings/settingsService';
import { ApiService } from '../openai/apiService';
import { createEndpoints } from '../openai/endpoints';
import { FileSecretStore } from '../providers/fileSecretStore';
import { ProvidersService } from '../providers/providersService';
import type { SecretStore } from '../providers/secretStore';
import { routedAnswers } from '../router/routedAnswers';
import { RouterService } from '../router/routerService';
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
  /** A native file or folder dialog for collections (desktop). */
  pickPath?: (kind: 'file' | 'folder') => Promise<string | null>;
  /** Opens a document in the system's app (desktop). */
  openPath?: (path: string) => Promise<void>;
  flushMs?: number;
  /** The inference process's heartbeat (tests shorten the hang deadline). */
  hostOptions?: HostOptions;
  /** What answers are written with; the local engine unless given (bench/chatReplay.mts replays a prepared text). */
  chatBackend?: ChatBackend;
  /** The Hugging Face Hub's address: HF_ENDPOINT, read by the shell, else https://huggingface.co. */
  hubUrl?: string;
  /** How long an idle-unload "minute" is; tests shorten it to exercise the real setting. */
  idleMinuteMs?: number;
  /** Where provider keys are kept: safeStorage in the desktop app; a 0600 file per key otherwise. */
  secrets?: SecretStore;
}

export interface Backend {
  handlers: HandlerTable;
  events: EventBus;
  host: InferenceHost;
  scheduler: Scheduler;
  conversations: ConversationsService;
  answers: AnswerRunner;
  models: ModelsService;
  hub: HubService;
  downloads: DownloadsService;
  doctor: DoctorService;
  collections: CollectionsService;
  settings: SettingsService;
  api: ApiService;
  providers: ProvidersService;
  router: RouterService;
  dispose(deadlineMs?: number): Promise<void>;
}

export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** Wires the database, the inference host and the services. Used by the desktop main and the headless server. */
export function createBackend(o: BackendOptions): Backend {
  mkdirSync(o.dataDir, { recursive: true });
  mkdirSync(o.modelsDir, { recursive: true });
  const { db, recovery } = openDatabase(join(o.dataDir, 'hearth.db'));
  const events = new EventBus();
  const settings = new SettingsService(db);
  const host = new InferenceHost(o.spawner, { gpu: o.gpu }, o.hostOptions ?? {});
  host.onState((state) => events.emit('engine:state', state));
  settings.onChange((s) => events.emit('settings:changed', s));
  let models: ModelsService | null = null;
  const scheduler = new Scheduler(host, { loadOptions: (slot, path) => models!.loadOptions(slot, path) });
  // The doctor reports free space in the models folder, which the library owns (and the user can move).
  const doctor = new DoctorService({ scheduler, modelsDir: () => models!.modelsDir() });
  models = new ModelsService({
    db,
    scheduler,
    host,
    settings,
    events,
    machine: doctor,
    defaultModelsDir: o.modelsDir,
    threads: o.threads,
    ...(o.idleMinuteMs !== undefined ? { idleMinuteMs: o.idleMinuteMs } : {}),
  });
  const library = models;
  const hub = new HubService({
    hubUrl: o.hubUrl ?? DEFAULT_HUB_URL,
    dataDir: o.dataDir,
    scheduler,
    machine: doctor,
    isDownloaded: (repo, file) => library.isDownloaded(repo, file),
  });
  const downloads = new DownloadsService({
    db,
    events,
    hub,
    library,
    modelsDir: () => library.modelsDir(),
    token: () => hub.token(),
  });
  downloads.start();
  const collections = new CollectionsService({
    db,
    events,
    scheduler,
    settings,
    // Embedding models are the library's: checked there, and their catalog prefixes found by their Hub source.
    library: { find: async (path) => (await library.list()).find((m) => m.path === path) ?? null },
    ...(o.pickPath ? { pickPath: o.pickPath } : {}),
  });
  const documents = new DocumentsService({ db, ...(o.openPath ? { openPath: o.openPath } : {}) });
  const providers = new ProvidersService({ db, events, secrets: o.secrets ?? new FileSecretStore(join(o.dataDir, 'secrets')) });
  const router = new RouterService({
    db,
    events,
    settings,
    providers,
    collectionsOf: (conversationId) => documents.collectionsOf(conversationId).collectionIds,
  });
  collections.start();
  const conversationsRepo = new ConversationsRepo(db);
  const messagesRepo = new MessagesRepo(db);
  const presetsRepo = new PresetsRepo(db);
  bindChatSettings(settings, new ChatSettings(settings, presetsRepo));
  const modelsService = models;
  const meter = new ContextMeter({ conversations: conversationsRepo, messages: messagesRepo, settings, host, scheduler });
  const answers = new AnswerRunner({
    conversations: conversationsRepo,
    messages: messagesRepo,
    settings,
    events,
    backend: o.chatBackend ?? new LocalChatBackend(scheduler),
    // Each answer runs where the conversation's routing says (this machine, a provider), or where the user asked.
    routing: routedAnswers({ router, providers, scheduler, library: modelsService, messages: messagesRepo, settings }),
    resolveModel: () => modelsService.resolveForChat(),
    checkFits: (conversationId, text) => meter.checkFits(conversationId, text),
    loadedModel: () => host.loaded('chat'),
    // Document Q&A: a conversation with collections answers from their passages, within the real context.
    sources: new AnswerSources({
      db,
      search: (ids, query, limit) => collections.search(ids, query, limit),
      gauge: engineGauge({ host, scheduler, fallbackContext: () => settings.get().contextSize || 4096 }),
    }),
    transaction: (fn) => db.transaction(fn)(),
    ...(o.flushMs !== undefined ? { flushMs: o.flushMs } : {}),
  });
  const conversations = new ConversationsService({
    conversations: conversationsRepo,
    messages: messagesRepo,
    search: new SearchRepo(db),
    events,
    stopAnswersIn: (id) => answers.stopIn(id),
    transaction: (fn) => db.transaction(fn)(),
  });
  watchTitles({ events, conversations: conversationsRepo });
  const info: AppInfo = {
    version: o.version,
    shell: o.shell,
    modelsDir: o.modelsDir,
    dataDir: o.dataDir,
    canPickFiles: !!o.pickFile,
    demo: !!o.demo,
    notices: recovery ? [{ kind: 'database-recovered', message: recovery.message }] : [],
  };
  // The models folder can move (models:setFolder): the info says where it is now.
  Object.defineProperty(info, 'modelsDir', { get: () => library.modelsDir(), enumerable: true });
  const api = new ApiService({
    db,
    events,
    settings,
    dataDir: o.dataDir,
    endpoints: createEndpoints({
      scheduler,
      host,
      models: modelsService,
      settings,
      ...(o.flushMs !== undefined ? { flushMs: o.flushMs } : {}),
    }),
    cancelClient: (client) => scheduler.cancelClient(client),
  });
  const handlers = createHandlers({
    info,
    conversations,
    answers,
    meter,
    models: modelsService,
    hub,
    downloads,
    doctor,
    collections,
    documents,
    settings,
    presets: new PresetsService({ presets: presetsRepo, conversations: conversationsRepo }),
    host,
    api,
    providers,
    router,
    ...(o.pickFile ? { pickFile: o.pickFile } : {}),
  });
  let disposed: Promise<void> | null = null;
  return {
    handlers,
    events,
    host,
    scheduler,
    conversations,
    answers,
    models: modelsService,
    hub,
    downloads,
    doctor,
    collections,
    settings,
    api,
    providers,
    router,
    dispose: (deadlineMs = 3000) =>
      (disposed ??= (async () => {
        await Promise.race([
          Promise.all([api.dispose(), answers.stopAll(), downloads.dispose(), collections.dispose()]),
          new Promise((r) => setTimeout(r, deadlineMs)),
        ]);
        library.dispose();
        await host.dispose(deadlineMs);
        db.close();
      })()),
  };
}
