import { AppError } from '../../shared/errors';
import type { ConversationParams, Preset, SamplingParams } from '../../shared/types';
import { newId } from '../lib/ids';
import type { ConversationsRepo } from './conversationsRepo';
import type { PresetsRepo } from './presetsRepo';

export interface PresetsDeps {
  presets: PresetsRepo;
  conversations: ConversationsRepo;
  now?: () => number;
}

/** A partial change to a conversation's choices: absent keys stay, null goes back to inheriting. */
export interface ParamsPatch {
  presetId?: string | null | undefined;
  systemPrompt?: string | null | undefined;
  sampling?: { [K in keyof SamplingParams]?: SamplingParams[K] | undefined } | undefined;
}

/** System-prompt presets, and which preset and sampling each conversation uses. */
export class PresetsService {
  private readonly now: () => number;

  constructor(private readonly deps: PresetsDeps) {
    this.now = deps.now ?? Date.now;
  }

  list(): Preset[] {
    return this.deps.presets.list();
  }

  create(input: { name: string; systemPrompt: string }): Preset {
    const t = this.now();
    const preset: Preset = { id: newId(), name: input.name.trim(), systemPrompt: input.systemPrompt, createdAt: t, updatedAt: t };
    this.deps.presets.insert(preset);
    return preset;
  }

  update(input: { id: string; name?: string | undefined; systemPrompt?: string | undefined }): Preset {
    const old = this.mustGet(input.id);
    const next: Preset = {
      ...old,
      name: input.name?.trim() ?? old.name,
      systemPrompt: input.systemPrompt ?? old.systemPrompt,
      updatedAt: this.now(),
    };
    this.deps.presets.update(next);
    return next;
  }

  remove(id: string): void {
    if (!this.deps.presets.remove(id)) throw new AppError('NOT_FOUND', 'That preset does not exist.');
  }

  params(conversationId: string): ConversationParams {
    this.mustHaveConversation(conversationId);
    return this.deps.presets.params(conversationId);
  }

  setParams(conversationId: string, patch: ParamsPatch): ConversationParams {
    this.mustHaveConversation(conversationId);
    if (patch.presetId) this.mustGet(patch.presetId);
    const old = this.deps.presets.params(conversationId);
    const sampling = { ...old.sampling };
    for (const [key, value] of Object.entries(patch.sampling ?? {}) as [keyof SamplingParams, number | null | undefined][]) {
      if (value !== undefined) sampling[key] = value;
    }
    const next: ConversationParams = {
      conversationId,
      presetId: patch.presetId === undefined ? old.presetId : patch.presetId,
      systemPrompt: patch.systemPrompt === undefined ? old.systemPrompt : patch.systemPrompt,
      sampling,
    };
    this.deps.presets.saveParams(next);
    return next;
  }

  private mustGet(id: string): Preset {
    const p = this.deps.presets.get(id);
    if (!p) throw new AppError('NOT_FOUND', 'That preset does not exist.');
    return p;
  }

  private mustHaveConversation(id: string): void {
    if (!this.deps.conversations.get(id)) throw new AppError('NOT_FOUND', 'That conversation does not exist.');
  }
}
