import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatSettings, resolveChatSettings } from '../../../electron/chat/chatSettings';
import { ConversationsRepo } from '../../../electron/chat/conversationsRepo';
import { PresetsRepo } from '../../../electron/chat/presetsRepo';
import { PresetsService } from '../../../electron/chat/presetsService';
import { openDatabase } from '../../../electron/db/open';
import { SettingsService } from '../../../electron/settings/settingsService';
import { DEFAULT_SETTINGS, NO_SAMPLING_OVERRIDES } from '../../../shared/types';

let db: Database.Database;
let settings: SettingsService;
let service: PresetsService;
let resolver: ChatSettings;

beforeEach(() => {
  ({ db } = openDatabase(':memory:'));
  settings = new SettingsService(db);
  const presets = new PresetsRepo(db);
  const conversations = new ConversationsRepo(db);
  conversations.insert({ id: 'c1', title: 'A chat', createdAt: 1, updatedAt: 1 });
  service = new PresetsService({ presets, conversations, now: () => 5 });
  resolver = new ChatSettings(settings, presets);
});
afterEach(() => db.close());

describe('resolveChatSettings', () => {
  it('uses the global settings when the conversation chose nothing, leaving the rest to the engine', () => {
    const r = resolveChatSettings({ ...DEFAULT_SETTINGS, temperature: 0.3, maxTokens: 9 }, null, null);
    expect(r.systemPrompt).toBe(DEFAULT_SETTINGS.systemPrompt);
    expect(r.sampling).toEqual({ temperature: 0.3, maxTokens: 9 });
  });

  it("prefers the conversation's own prompt over its preset's, and its preset's over the global one", () => {
    const preset = { id: 'p', name: 'P', systemPrompt: 'From the preset.', createdAt: 1, updatedAt: 1 };
    const params = { conversationId: 'c', presetId: 'p', systemPrompt: null, sampling: NO_SAMPLING_OVERRIDES };
    expect(resolveChatSettings(DEFAULT_SETTINGS, params, preset).systemPrompt).toBe('From the preset.');
    expect(resolveChatSettings(DEFAULT_SETTINGS, { ...params, systemPrompt: 'Own.' }, preset).systemPrompt).toBe('Own.');
  });

  it('passes every sampling override, zero included', () => {
    const sampling = { temperature: 0, topP: 0.9, topK: 0, minP: 0.05, repeatPenalty: 1.1, maxTokens: 0, seed: 0 };
    const r = resolveChatSettings(
      { ...DEFAULT_SETTINGS, maxTokens: 50 },
      { conversationId: 'c', presetId: null, systemPrompt: null, sampling },
      null,
    );
    expect(r.sampling).toEqual(sampling);
  });
});

describe('presets and a conversation’s parameters', () => {
  it('creates, edits, lists by name and deletes presets', () => {
    const b = service.create({ name: ' Brief ', systemPrompt: 'Be brief.' });
    service.create({ name: 'archaic', systemPrompt: 'Speak old English.' });
    expect(b).toMatchObject({ name: 'Brief', createdAt: 5 });
    expect(service.update({ id: b.id, systemPrompt: 'Be very brief.' })).toMatchObject({ name: 'Brief', systemPrompt: 'Be very brief.' });
    expect(service.list().map((p) => p.name)).toEqual(['archaic', 'Brief']);
    service.remove(b.id);
    expect(service.list().map((p) => p.name)).toEqual(['archaic']);
    expect(() => service.remove(b.id)).toThrow(/does not exist/);
    expect(() => service.update({ id: b.id, name: 'x' })).toThrow(/does not exist/);
  });

  it('applies a partial change: absent keys stay, null goes back to inheriting', () => {
    const p = service.create({ name: 'Pirate', systemPrompt: 'Talk like a pirate.' });
    service.setParams('c1', { presetId: p.id, sampling: { temperature: 1.2, seed: 42 } });
    service.setParams('c1', { sampling: { topK: 20, seed: null } });
    expect(service.params('c1')).toMatchObject({ presetId: p.id, sampling: { temperature: 1.2, topK: 20, seed: null } });
    settings.update({ maxTokens: 33 });
    const r = resolver.resolve('c1');
    expect(r.systemPrompt).toBe('Talk like a pirate.');
    expect(r.sampling).toEqual({ temperature: 1.2, topK: 20, maxTokens: 33 });
    // Deleting the preset: the chat inherits the global prompt again.
    service.remove(p.id);
    expect(resolver.resolve('c1').systemPrompt).toBe(DEFAULT_SETTINGS.systemPrompt);
  });

  it('refuses a preset or a conversation that does not exist', () => {
    expect(() => service.setParams('c1', { presetId: 'nope' })).toThrow(/preset does not exist/);
    expect(() => service.setParams('nope', {})).toThrow(/conversation does not exist/);
    expect(() => service.params('nope')).toThrow(/conversation does not exist/);
  });
});
