import type Database from 'better-sqlite3';
import { type ConversationParams, NO_SAMPLING_OVERRIDES, type Preset, type SamplingParams } from '../../shared/types';

interface PresetRow {
  id: string;
  name: string;
  system_prompt: string;
  created_at: number;
  updated_at: number;
}

interface ParamsRow {
  conversation_id: string;
  preset_id: string | null;
  system_prompt: string | null;
  temperature: number | null;
  top_p: number | null;
  top_k: number | null;
  min_p: number | null;
  repeat_penalty: number | null;
  max_tokens: number | null;
  seed: number | null;
}

const toPreset = (r: PresetRow): Preset => ({
  id: r.id,
  name: r.name,
  systemPrompt: r.system_prompt,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toParams = (r: ParamsRow): ConversationParams => ({
  conversationId: r.conversation_id,
  presetId: r.preset_id,
  systemPrompt: r.system_prompt,
  sampling: {
    temperature: r.temperature,
    topP: r.top_p,
    topK: r.top_k,
    minP: r.min_p,
    repeatPenalty: r.repeat_penalty,
    maxTokens: r.max_tokens,
    seed: r.seed,
  },
});

/** The only place preset and conversation-parameter rows meet camelCase. */
export class PresetsRepo {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      list: db.prepare<[], PresetRow>('SELECT * FROM presets ORDER BY name COLLATE NOCASE, created_at'),
      get: db.prepare<[string], PresetRow>('SELECT * FROM presets WHERE id = ?'),
      insert: db.prepare('INSERT INTO presets (id, name, system_prompt, created_at, updated_at) VALUES (?, ?, ?, ?, ?)'),
      update: db.prepare('UPDATE presets SET name = ?, system_prompt = ?, updated_at = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM presets WHERE id = ?'),
      params: db.prepare<[string], ParamsRow>('SELECT * FROM conversation_params WHERE conversation_id = ?'),
      saveParams: db.prepare(
        `INSERT INTO conversation_params
           (conversation_id, preset_id, system_prompt, temperature, top_p, top_k, min_p, repeat_penalty, max_tokens, seed)
         VALUES (@conversationId, @presetId, @systemPrompt, @temperature, @topP, @topK, @minP, @repeatPenalty, @maxTokens, @seed)
         ON CONFLICT(conversation_id) DO UPDATE SET
           preset_id = excluded.preset_id, system_prompt = excluded.system_prompt, temperature = excluded.temperature,
           top_p = excluded.top_p, top_k = excluded.top_k, min_p = excluded.min_p,
           repeat_penalty = excluded.repeat_penalty, max_tokens = excluded.max_tokens, seed = excluded.seed`,
      ),
    };
  }

  list(): Preset[] {
    return this.stmts.list.all().map(toPreset);
  }
  get(id: string): Preset | null {
    const r = this.stmts.get.get(id);
    return r ? toPreset(r) : null;
  }
  insert(p: Preset): void {
    this.stmts.insert.run(p.id, p.name, p.systemPrompt, p.createdAt, p.updatedAt);
  }
  update(p: Preset): void {
    this.stmts.update.run(p.name, p.systemPrompt, p.updatedAt, p.id);
  }
  /** Conversations that had picked it keep their other choices and inherit the system prompt again. */
  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }

  /** A conversation's choices; one that never chose anything inherits everything. */
  params(conversationId: string): ConversationParams {
    const r = this.stmts.params.get(conversationId);
    return r ? toParams(r) : { conversationId, presetId: null, systemPrompt: null, sampling: { ...NO_SAMPLING_OVERRIDES } };
  }
  saveParams(p: ConversationParams): void {
    const s: SamplingParams = p.sampling;
    this.stmts.saveParams.run({ conversationId: p.conversationId, presetId: p.presetId, systemPrompt: p.systemPrompt, ...s });
  }
}
