/**
 * The names of every channel, with no schema attached, so the sandboxed preload can list them without
 * bundling zod. `contract.ts` pairs each name with its schemas and a type test keeps the two in step.
 */
export const CALL_CHANNELS = [
  'app:getInfo',
  'conversations:list',
  'conversations:get',
  'conversations:create',
  'conversations:rename',
  'conversations:delete',
  'conversations:search',
  'conversations:pin',
  'conversations:export',
  'conversations:importPart',
  'conversations:import',
  'chat:send',
  'chat:stop',
  'chat:active',
  'chat:measure',
  'chat:edit',
  'chat:regenerate',
  'chat:continue',
  'messages:delete',
  'messages:switchBranch',
  'models:list',
  'models:add',
  'models:pickFile',
  'models:delete',
  'models:settings',
  'models:setFolder',
  'models:fit',
  'models:load',
  'models:unload',
  'catalog:list',
  'hub:search',
  'hub:files',
  'hub:setToken',
  'hub:tokenStatus',
  'downloads:start',
  'downloads:list',
  'downloads:pause',
  'downloads:resume',
  'downloads:cancel',
  'downloads:dismiss',
  'system:report',
  'collections:list',
  'collections:create',
  'collections:rename',
  'collections:delete',
  'collections:addSource',
  'collections:removeSource',
  'collections:pickPath',
  'collections:documents',
  'collections:reindex',
  'collections:cancel',
  'collections:search',
  'collections:setEmbeddingModel',
  'conversations:collections',
  'conversations:setCollections',
  'documents:view',
  'documents:openExternal',
  'engine:get',
  'settings:get',
  'settings:update',
  'presets:list',
  'presets:create',
  'presets:update',
  'presets:delete',
  'conversations:params',
  'conversations:setParams',
] as const;

export const EVENT_CHANNELS = [
  'chat:delta',
  'chat:end',
  'chat:queue',
  'engine:state',
  'conversations:changed',
  'settings:changed',
  'downloads:progress',
  'models:changed',
  'collections:progress',
  'collections:changed',
] as const;

export type CallChannel = (typeof CALL_CHANNELS)[number];
export type EventChannel = (typeof EVENT_CHANNELS)[number];

export function isCallChannel(value: unknown): value is CallChannel {
  return typeof value === 'string' && (CALL_CHANNELS as readonly string[]).includes(value);
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && (EVENT_CHANNELS as readonly string[]).includes(value);
}
