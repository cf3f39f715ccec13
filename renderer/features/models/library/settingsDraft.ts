import type { ModelLoadSettings } from '../../../../shared/models';

/** The per-model settings form as typed: strings, so an empty field can mean "follow the global setting". */
export interface SettingsDraft {
  contextSize: string;
  gpuMode: 'auto' | 'manual';
  gpuLayers: string;
  flashAttention: 'auto' | 'on' | 'off';
  batchSize: string;
  threads: string;
  lora: { path: string; scale: string }[];
}

export function draftFrom(s: ModelLoadSettings): SettingsDraft {
  return {
    contextSize: s.contextSize === null ? '' : String(s.contextSize),
    gpuMode: s.gpuLayers === 'auto' ? 'auto' : 'manual',
    gpuLayers: s.gpuLayers === 'auto' ? '' : String(s.gpuLayers),
    flashAttention: s.flashAttention === 'auto' ? 'auto' : s.flashAttention ? 'on' : 'off',
    batchSize: s.batchSize === null ? '' : String(s.batchSize),
    threads: s.threads === null ? '' : String(s.threads),
    lora: s.lora.map((a) => ({ path: a.path, scale: String(a.scale) })),
  };
}

type Result = { ok: true; settings: ModelLoadSettings } | { ok: false; error: string };

/** A whole number in range, or null for an empty field; a reason in words otherwise. */
function whole(label: string, raw: string, min: number, max: number): { value: number | null } | { error: string } {
  const t = raw.trim();
  if (t === '') return { value: null };
  const n = Number(t);
  if (!Number.isInteger(n) || n < min || n > max)
    return { error: `${label} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.` };
  return { value: n };
}

/**
 * The settings a draft says, checked the way main will check them (ModelLoadSettings), so a mistake is said next
 * to the field before anything is sent.
 */
export function settingsFromDraft(d: SettingsDraft): Result {
  const context = whole('Context size', d.contextSize, 0, 1_048_576);
  if ('error' in context) return { ok: false, error: context.error };
  const batch = whole('Batch size', d.batchSize, 1, 65_536);
  if ('error' in batch) return { ok: false, error: batch.error };
  const threads = whole('Threads', d.threads, 1, 256);
  if ('error' in threads) return { ok: false, error: threads.error };
  let gpuLayers: ModelLoadSettings['gpuLayers'] = 'auto';
  if (d.gpuMode === 'manual') {
    const layers = whole('GPU layers', d.gpuLayers, 0, 1000);
    if ('error' in layers) return { ok: false, error: layers.error };
    if (layers.value === null) return { ok: false, error: 'Give the number of GPU layers, or choose Auto.' };
    gpuLayers = layers.value;
  }
  const lora: ModelLoadSettings['lora'] = [];
  for (const a of d.lora) {
    if (!a.path.trim()) return { ok: false, error: 'Each LoRA adapter needs the path of its .gguf file.' };
    const scale = Number(a.scale.trim());
    if (a.scale.trim() === '' || !Number.isFinite(scale) || scale < -4 || scale > 4) {
      return { ok: false, error: `The scale of ${a.path.split(/[\\/]/).pop()} must be a number from -4 to 4.` };
    }
    lora.push({ path: a.path.trim(), scale });
  }
  if (lora.length > 8) return { ok: false, error: 'At most 8 LoRA adapters can be applied at once.' };
  return {
    ok: true,
    settings: {
      contextSize: context.value,
      gpuLayers,
      flashAttention: d.flashAttention === 'auto' ? 'auto' : d.flashAttention === 'on',
      batchSize: batch.value,
      threads: threads.value,
      lora,
    },
  };
}

/** Only what changed, so a save never overwrites a field another window changed meanwhile. */
export function settingsPatch(before: ModelLoadSettings, after: ModelLoadSettings): Partial<ModelLoadSettings> {
  const patch: Partial<ModelLoadSettings> = {};
  for (const key of Object.keys(after) as (keyof ModelLoadSettings)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) Object.assign(patch, { [key]: after[key] });
  }
  return patch;
}
