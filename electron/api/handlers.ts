import type { CallChannel } from '../../shared/channels';
import type { CallOutput, calls } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { AppInfo } from '../../shared/types';
import type { z } from 'zod';
import type { AnswerRunner } from '../chat/answerRunner';
import type { ContextMeter } from '../chat/contextMeter';
import type { ConversationsService } from '../chat/conversationsService';
import type { PresetsService } from '../chat/presetsService';
import type { InferenceHost } from '../inference/host';
import type { CollectionsService } from '../rag/collectionsService';
import type { DocumentsService } from '../rag/documentsService';
import type { DoctorService } from '../models/doctor/doctorService';
import type { DownloadsService } from '../models/download/downloadsService';
import type { HubService } from '../models/hub/hubService';
import type { ModelsService } from '../models/modelsService';
import type { SettingsService } from '../settings/settingsService';
import type { ApiService } from '../openai/apiService';
import type { ProvidersService } from '../providers/providersService';
import type { RouterService } from '../router/routerService';

type Parsed<C extends CallChannel> = z.output<(typeof calls)[C]['input']>;

/** One function per channel, taking the parsed input. Knows nothing of the transport that called it. */
export type HandlerTable = { [C in CallChannel]: (input: Parsed<C>) => Promise<CallOutput<C>> | CallOutput<C> };

export interface HandlerDeps {
  info: AppInfo;
  conversations: ConversationsService;
  answers: AnswerRunner;
  meter: ContextMeter;
  models: ModelsService;
  hub: HubService;
  downloads: DownloadsService;
  doctor: DoctorService;
  collections: CollectionsService;
  documents: DocumentsService;
  settings: SettingsService;
  presets: PresetsService;
  host: InferenceHost;
  api: ApiService;
  providers: ProvidersService;
  router: RouterService;
  /** A native "open file" dialog, where the shell has one (desktop). */
  pickFile?: () => Promise<string | null>;
}

export function createHandlers(d: HandlerDeps): HandlerTable {
  return {
    'app:getInfo': () => d.info,
    'conversations:list': () => d.conversations.list(),
    'conversations:get': ({ id, ...page }) => d.conversations.get(id, page),
    'conversations:create': () => d.conversations.create(),
    'conversations:rename': ({ id, title }) => d.conversations.rename(id, title),
    'conversations:delete': ({ id }) => d.conversations.remove(id),
    'conversations:search': ({ query }) => d.conversations.search(query),
    'conversations:pin': ({ id, pinned }) => d.conversations.pin(id, pinned),
    'conversations:export': ({ id, format }) => d.conversations.export(id, format),
    'conversations:importPart': ({ uploadId, index, text }) => d.conversations.importPart(uploadId, index, text),
    'conversations:import': ({ uploadId }) => d.conversations.import(uploadId),
    'chat:send': (input) => d.answers.send(input),
    'chat:stop': ({ streamId }) => d.answers.stop(streamId),
    'chat:active': () => d.answers.active(),
    'chat:measure': ({ conversationId, draft }) => d.meter.measure(conversationId, draft),
    'chat:edit': (input) => d.answers.edit(input),
    'chat:regenerate': ({ messageId, target }) => d.answers.regenerate(target ? { messageId, target } : { messageId }),
    'chat:compare': (input) => d.answers.compare(input),
    'chat:keep': ({ messageId }) => d.answers.keep(messageId),
    'chat:continue': (input) => d.answers.continue(input),
    'messages:delete': ({ messageId }) => d.answers.deleteMessage(messageId),
    'messages:switchBranch': ({ messageId, direction }) => d.answers.switchBranch(messageId, direction),
    'models:list': () => d.models.list(),
    'models:add': ({ path }) => d.models.add(path),
    'models:pickFile': async () => {
      if (!d.pickFile) throw new AppError('UNSUPPORTED', 'This window cannot open a file dialog; type the path of the .gguf file instead.');
      return { path: await d.pickFile() };
    },
    'models:delete': ({ path, whileAnswering }) => d.models.remove(path, whileAnswering),
    'models:settings': ({ path, settings }) => d.models.setSettings(path, stripUndefined(settings)),
    'models:setFolder': ({ path }) => d.models.setFolder(path),
    'models:fit': ({ path, contextSize }) => d.models.fit(path, contextSize),
    'models:load': ({ path, whileAnswering }) => d.models.load(path, whileAnswering),
    'models:unload': (input) => d.models.unload(input?.whileAnswering),
    'catalog:list': (input) => d.hub.catalog(input?.commercialOnly ?? false),
    'hub:search': ({ query, ...opts }) => d.hub.search(query, stripUndefined(opts)),
    'hub:files': ({ repo, contextSize }) => d.hub.files(repo, contextSize),
    'hub:setToken': ({ token }) => d.hub.setToken(token),
    'hub:tokenStatus': () => d.hub.tokenStatus(),
    'downloads:start': ({ repo, revision, file }) => d.downloads.enqueue(repo, revision, file),
    'downloads:list': () => d.downloads.list(),
    'downloads:pause': ({ id }) => d.downloads.pause(id),
    'downloads:resume': ({ id }) => d.downloads.resume(id),
    'downloads:cancel': ({ id }) => d.downloads.cancel(id),
    'downloads:dismiss': ({ id }) => d.downloads.dismiss(id),
    'system:report': () => d.doctor.report(),
    'collections:list': () => d.collections.list(),
    'collections:create': ({ name }) => d.collections.create(name),
    'collections:rename': ({ id, name }) => d.collections.rename(id, name),
    'collections:delete': ({ id }) => d.collections.remove(id),
    'collections:addSource': ({ id, path, watch }) => d.collections.addSource(id, path, watch ?? true),
    'collections:removeSource': ({ id, sourceId }) => d.collections.removeSource(id, sourceId),
    'collections:pickPath': ({ kind }) => d.collections.pickPath(kind),
    'collections:documents': ({ id }) => d.collections.documents(id),
    'collections:reindex': ({ id, full }) => d.collections.reindex(id, full ?? false),
    'collections:cancel': ({ id }) => d.collections.cancel(id),
    'collections:search': ({ ids, query, limit }) => d.collections.search(ids, query, limit ?? 8),
    'collections:setEmbeddingModel': ({ path }) => d.collections.setEmbeddingModel(path),
    'conversations:collections': ({ id }) => d.documents.collectionsOf(id),
    'conversations:setCollections': ({ id, collectionIds }) => d.documents.setCollections(id, collectionIds),
    'documents:view': ({ documentId, charStart, charEnd }) => d.documents.view(documentId, charStart, charEnd),
    'documents:openExternal': ({ documentId }) => d.documents.openExternal(documentId),
    'engine:get': () => d.host.getState(),
    'settings:get': () => d.settings.get(),
    'settings:update': (patch) => d.settings.update(stripUndefined(patch)),
    'presets:list': () => d.presets.list(),
    'presets:create': (input) => d.presets.create(input),
    'presets:update': (input) => d.presets.update(input),
    'presets:delete': ({ id }) => d.presets.remove(id),
    'conversations:params': ({ id }) => d.presets.params(id),
    'conversations:setParams': ({ id, ...patch }) => d.presets.setParams(id, patch),
    'api:status': () => d.api.status(),
    'api:configure': (patch) => d.api.configure(stripUndefined(patch)),
    'api:regenerateKey': () => d.api.regenerateKey(),
    'api:log': (input) => d.api.log(input?.limit ?? 200),
    'providers:list': () => d.providers.list(),
    'providers:save': (input) => d.providers.save(input),
    'providers:delete': ({ id }) => d.providers.remove(id),
    'providers:check': ({ id }) => d.providers.check(id),
    'providers:secretStore': () => d.providers.secretStoreInfo(),
    'router:get': ({ conversationId }) => d.router.get(conversationId),
    'router:set': ({ conversationId, ...patch }) => d.router.set(conversationId, stripUndefined(patch)),
    'router:log': (input) => d.router.log(input?.limit ?? 200),
  };
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
