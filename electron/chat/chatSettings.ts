import type { ConversationParams, Preset, Settings } from '../../shared/types';
import type { GenerateOptions } from '../inference/protocol';
import type { SettingsService } from '../settings/settingsService';
import type { PresetsRepo } from './presetsRepo';

/** The sampling an answer is written with: what the engine's `generate` job takes. */
export type EffectiveSampling = Pick<GenerateOptions, 'maxTokens' | 'temperature' | 'topP' | 'topK' | 'minP' | 'repeatPenalty' | 'seed'>;

/** The global settings with the conversation's system prompt, plus the sampling its answer is written with. */
export interface EffectiveChatSettings extends Settings {
  sampling: EffectiveSampling;
}

/**
 * What a conversation's answer uses: the conversation's own choice, else its picked preset's system prompt, else the
 * global settings. Sampling the conversation leaves unset is the global setting (temperature, max tokens) or left
 * out, so the engine uses node-llama-cpp's default (the rest).
 */
export function resolveChatSettings(global: Settings, params: ConversationParams | null, preset: Preset | null): EffectiveChatSettings {
  const o = params?.sampling;
  const sampling: EffectiveSampling = {
    maxTokens: o?.maxTokens ?? global.maxTokens,
    temperature: o?.temperature ?? global.temperature,
  };
  if (o?.topP != null) sampling.topP = o.topP;
  if (o?.topK != null) sampling.topK = o.topK;
  if (o?.minP != null) sampling.minP = o.minP;
  if (o?.repeatPenalty != null) sampling.repeatPenalty = o.repeatPenalty;
  if (o?.seed != null) sampling.seed = o.seed;
  return { ...global, systemPrompt: params?.systemPrompt ?? preset?.systemPrompt ?? global.systemPrompt, sampling };
}

/** Reads a conversation's choices from the database and resolves them against the current settings. */
export class ChatSettings {
  constructor(
    private readonly settings: SettingsService,
    private readonly presets: PresetsRepo,
  ) {}

  resolve(conversationId: string): EffectiveChatSettings {
    const params = this.presets.params(conversationId);
    const preset = params.presetId ? this.presets.get(params.presetId) : null;
    return resolveChatSettings(this.settings.get(), params, preset);
  }
}

// The answer runner reaches the resolver through the settings service it already holds, so wiring it needs no
// change to the runner's dependencies (co-owned code); a runner built without one (unit tests) gets the globals.
const bound = new WeakMap<SettingsService, ChatSettings>();

/** Makes `chatSettingsFor(settings, …)` resolve through `chatSettings` (backend.ts wires this once). */
export function bindChatSettings(settings: SettingsService, chatSettings: ChatSettings): void {
  bound.set(settings, chatSettings);
}

/** The effective system prompt and sampling for a conversation's next answer. */
export function chatSettingsFor(settings: SettingsService, conversationId: string): EffectiveChatSettings {
  return bound.get(settings)?.resolve(conversationId) ?? resolveChatSettings(settings.get(), null, null);
}
