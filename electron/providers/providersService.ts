import type Database from 'better-sqlite3';
import { type Provider, type ProviderCheck, ProviderInput, type ProviderModel, type SecretStoreInfo } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { ChatBackend } from '../chat/chatBackend';
import type { EventBus } from '../lib/events';
import { newId } from '../lib/ids';
import { WireModelList } from './openaiWire';
import { type ProviderRecord, ProvidersRepo } from './providersRepo';
import { RemoteChatBackend, type RemoteTarget } from './remoteChatBackend';
import { connectError, headersTimeout, notUnderstood, type RemoteWho } from './remoteErrors';
import { RemoteExchange } from './remoteHttp';
import type { SecretStore } from './secretStore';

export interface ProvidersDeps {
  db: Database.Database;
  events: EventBus;
  secrets: SecretStore;
  /** Test hook: fetch timeouts (ms) for a request's headers and between streamed chunks. */
  timeoutMs?: number;
  now?: () => number;
}

/** A provider slow to start an answer (a long prompt on a busy server) still sends its headers within this. */
const DEFAULT_TIMEOUT_MS = 60_000;
/** A model list is a few hundred entries with descriptions (OpenRouter's is about 1 MB). */
const MODEL_LIST_LIMIT = 16 * 1024 * 1024;
/** A key travels in an HTTP header: printable ASCII, no spaces, one line (fetch would put any other in its error). */
const KEY = /^[\x21-\x7e]+$/;
const WHERE = 'Connections > Remote providers';

const keyName = (id: string): string => `provider:${id}`;

/** A base URL as stored: http(s), no credentials, query or fragment, no trailing slash. */
export function normalizeBaseUrl(raw: string): string {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('BAD_INPUT', `"${text.slice(0, 100)}" is not a web address: a base URL looks like https://api.openai.com/v1.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('BAD_INPUT', 'The base URL starts with http:// or https://.');
  }
  // The address is stored as plain text and shown: a password in it would be neither secret nor a key.
  if (url.username || url.password) {
    throw new AppError('BAD_INPUT', 'Put the key in the key field, not in the base URL: the address is stored as plain text.');
  }
  if (text.includes('?') || text.includes('#')) {
    throw new AppError('BAD_INPUT', 'The base URL ends at its path (like https://api.openai.com/v1), with no ? or #.');
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * Remote OpenAI-compatible providers: the list (the `providers` table), their keys (in the secret store under
 * `provider:<id>`, never in the database, never returned, never logged), a check of each, and a chat backend per
 * model. Nothing is sent to a provider the user has not enabled, except the model-list request of a check the
 * user asks for.
 */
export class ProvidersService {
  private readonly repo: ProvidersRepo;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly d: ProvidersDeps) {
    this.repo = new ProvidersRepo(d.db);
    this.timeoutMs = d.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = d.now ?? Date.now;
  }

  list(): Provider[] {
    return this.repo.list().map((r) => this.toProvider(r));
  }

  find(id: string): Provider | null {
    const r = this.repo.get(id);
    return r ? this.toProvider(r) : null;
  }

  /**
   * Adds a provider (no id) or changes one. The key: a string stores it, null removes it, absent (or an empty
   * string, a form's untouched field) keeps the stored one.
   */
  async save(raw: ProviderInput): Promise<Provider> {
    const parsed = ProviderInput.safeParse(raw);
    if (!parsed.success) throw new AppError('BAD_INPUT', parsed.error.issues[0]?.message ?? 'That provider is not valid.');
    const input = parsed.data;
    const baseUrl = normalizeBaseUrl(input.baseUrl);
    const models = uniqueModels(input.models);
    const key = input.key === '' ? undefined : input.key;
    // The message never repeats the key: errors end up in logs.
    if (typeof key === 'string' && !KEY.test(key)) {
      throw new AppError('BAD_INPUT', 'A key is one word of letters, digits and punctuation, with no spaces or line breaks.');
    }
    const now = this.now();
    let id: string;
    if (input.id === undefined) {
      id = newId();
      const record: ProviderRecord = { id, name: input.name, baseUrl, enabled: input.enabled, models, createdAt: now, updatedAt: now };
      if (key) await this.d.secrets.set(keyName(id), key);
      try {
        this.repo.insert(record);
      } catch (error) {
        if (key) await this.d.secrets.set(keyName(id), null);
        throw error;
      }
    } else {
      id = input.id;
      const existing = this.repo.get(id);
      if (!existing) throw new AppError('NOT_FOUND', 'That provider no longer exists.');
      // A key was given for one host: moved to another host (origin), it is dropped unless given again, so an edited
      // address never receives the old provider's key unasked.
      const moved = new URL(existing.baseUrl).origin !== new URL(baseUrl).origin;
      if (key !== undefined) await this.d.secrets.set(keyName(id), key);
      else if (moved) await this.d.secrets.set(keyName(id), null);
      this.repo.update({ ...existing, name: input.name, baseUrl, enabled: input.enabled, models, updatedAt: now });
    }
    this.d.events.emit('providers:changed', {});
    return this.find(id)!;
  }

  /** Deletes a provider and its key (the key first: a key must never outlive its provider unseen). */
  async remove(id: string): Promise<void> {
    await this.d.secrets.set(keyName(id), null);
    if (this.repo.remove(id)) this.d.events.emit('providers:changed', {});
  }

  /** Asks the provider for its models with its key; every failure comes back as `ok: false` with words. */
  async check(id: string): Promise<ProviderCheck> {
    const p = this.repo.get(id);
    if (!p) throw new AppError('NOT_FOUND', 'That provider no longer exists.');
    let who: RemoteWho;
    try {
      who = { name: p.name, baseUrl: p.baseUrl, key: await this.keyOf(p) };
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error), models: [] };
    }
    const exchange = new RemoteExchange(who, this.timeoutMs);
    try {
      const res = await exchange.open(`${p.baseUrl}/models`, { method: 'GET' }, { kind: 'models' });
      const text = await exchange.readAll(res, MODEL_LIST_LIMIT, (timedOut, error) =>
        timedOut ? headersTimeout(who, this.timeoutMs) : connectError(who, error),
      );
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw notUnderstood(who, 'a model list');
      }
      const list = WireModelList.safeParse(json);
      if (!list.success) throw notUnderstood(who, 'a model list');
      const models = [...new Set(list.data.data.map((m) => m.id))];
      return { ok: true, message: checkMessage(p, models), models };
    } catch (error) {
      if (error instanceof AppError) return { ok: false, message: error.message, models: [] };
      if (error instanceof RangeError) return { ok: false, message: `${p.name} sent a model list larger than Hearth reads.`, models: [] };
      throw error;
    } finally {
      exchange.close();
    }
  }

  secretStoreInfo(): SecretStoreInfo {
    return this.d.secrets.info();
  }

  /**
   * A chat backend that writes answers with `model` at provider `id`, which must exist and be enabled; it looks
   * again when it sends, so a provider switched off in between is never contacted.
   */
  backendFor(id: string, model: string): ChatBackend {
    this.sendable(id);
    return new RemoteChatBackend({
      model,
      timeoutMs: this.timeoutMs,
      connect: async (): Promise<RemoteTarget> => {
        const p = this.sendable(id);
        return { name: p.name, baseUrl: p.baseUrl, key: await this.keyOf(p) };
      },
    });
  }

  private sendable(id: string): ProviderRecord {
    const p = this.repo.get(id);
    if (!p) throw new AppError('NOT_FOUND', `That remote provider no longer exists: pick another in ${WHERE}.`);
    if (!p.enabled) {
      throw new AppError('FORBIDDEN', `${p.name} is switched off: enable it in ${WHERE} before anything is sent to it.`);
    }
    return p;
  }

  /** The stored key, checked: a damaged one is an error in words, never sent (nor put in fetch's error text). */
  private async keyOf(p: ProviderRecord): Promise<string | null> {
    const key = await this.d.secrets.get(keyName(p.id));
    if (key !== null && !KEY.test(key)) {
      throw new AppError('FORBIDDEN', `The key stored for ${p.name} is damaged: enter it again in ${WHERE}.`);
    }
    return key;
  }

  private toProvider(r: ProviderRecord): Provider {
    return {
      id: r.id,
      name: r.name,
      baseUrl: r.baseUrl,
      enabled: r.enabled,
      hasKey: this.d.secrets.has(keyName(r.id)),
      models: r.models,
      createdAt: r.createdAt,
    };
  }
}

/** One entry per model id: the router looks a model's price up by id. */
function uniqueModels(models: ProviderModel[]): ProviderModel[] {
  const seen = new Set<string>();
  for (const m of models) {
    if (seen.has(m.id)) throw new AppError('BAD_INPUT', `The model ${m.id} is listed twice.`);
    seen.add(m.id);
  }
  return models;
}

/** What a good check says: how many models, and which of the user's are not among them. */
function checkMessage(p: ProviderRecord, served: string[]): string {
  const missing = p.models.map((m) => m.id).filter((m) => !served.includes(m));
  const count = served.length === 1 ? '1 model' : `${served.length} models`;
  const base = `${p.name} answered and lists ${count}.`;
  if (missing.length === 0) return base;
  return `${base} It does not list ${missing.join(', ')}: check ${missing.length === 1 ? 'that name' : 'those names'}.`;
}
