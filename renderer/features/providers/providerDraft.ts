import { type Provider, ProviderInput } from '../../../shared/api';

/** One model row of the form, as typed: prices are text until saved. */
export interface ModelRow {
  id: string;
  input: string;
  output: string;
}

/** What the key field will do on save: keep the stored key, store a new one, or remove it. */
export type KeyEdit = { mode: 'keep' } | { mode: 'set'; value: string } | { mode: 'remove' };

/** The add/edit form's state. */
export interface ProviderDraft {
  id?: string;
  name: string;
  baseUrl: string;
  enabled: boolean;
  /** A key is stored for this provider now (editing); false for a new one. */
  hasKey: boolean;
  key: KeyEdit;
  models: ModelRow[];
}

const price = (n: number): string => (n === 0 ? '0' : String(n));

/** The form for a provider (editing), or an empty one (adding). `extraModels` adds rows (from a check), prices blank. */
export function draftOf(p: Provider | null, extraModels: readonly string[] = []): ProviderDraft {
  const rows: ModelRow[] = p ? p.models.map((m) => ({ id: m.id, input: price(m.inputPerMTok), output: price(m.outputPerMTok) })) : [];
  for (const id of extraModels) if (!rows.some((r) => r.id === id)) rows.push({ id, input: '', output: '' });
  if (rows.length === 0) rows.push({ id: '', input: '', output: '' });
  return p
    ? { id: p.id, name: p.name, baseUrl: p.baseUrl, enabled: p.enabled, hasKey: p.hasKey, key: { mode: 'keep' }, models: rows }
    : { name: '', baseUrl: '', enabled: false, hasKey: false, key: { mode: 'keep' }, models: rows };
}

/** A price as typed, in dollars per million tokens: blank is 0 (a free model, or the user's own server). */
function parsePrice(text: string, what: string): number | string {
  const t = text.trim().replace(/^\$/, '');
  if (t === '') return 0;
  const n = Number(t);
  if (!Number.isFinite(n)) return `The ${what} is not a number: "${text}".`;
  if (n < 0) return `The ${what} cannot be below zero.`;
  if (n > 10_000) return `The ${what} is more than $10,000 per million tokens: is that right? Hearth takes up to 10,000.`;
  return n;
}

/**
 * The form as `providers:save` takes it, or what is wrong with it in words. Blank model rows are left out; the
 * key is sent only when it changes (absent keeps the stored one, null removes it).
 */
export function inputOf(d: ProviderDraft): { ok: true; input: ProviderInput } | { ok: false; error: string } {
  if (!d.name.trim()) return { ok: false, error: 'Give the provider a name.' };
  if (!/^https?:\/\/\S+$/i.test(d.baseUrl.trim())) {
    return { ok: false, error: 'The base URL starts with http:// or https://, like https://api.openai.com/v1.' };
  }
  const models: ProviderInput['models'] = [];
  for (const row of d.models) {
    const id = row.id.trim();
    if (!id) {
      if (row.input.trim() || row.output.trim()) return { ok: false, error: 'A model with prices has no name.' };
      continue;
    }
    if (models.some((m) => m.id === id)) return { ok: false, error: `The model ${id} is listed twice.` };
    const input = parsePrice(row.input, `input price of ${id}`);
    if (typeof input === 'string') return { ok: false, error: input };
    const output = parsePrice(row.output, `output price of ${id}`);
    if (typeof output === 'string') return { ok: false, error: output };
    models.push({ id, inputPerMTok: input, outputPerMTok: output });
  }
  if (d.enabled && models.length === 0) return { ok: false, error: 'Add at least one model before enabling the provider.' };
  const key = d.key.mode === 'set' && d.key.value.trim() ? d.key.value.trim() : d.key.mode === 'remove' ? null : undefined;
  const parsed = ProviderInput.safeParse({
    ...(d.id ? { id: d.id } : {}),
    name: d.name,
    baseUrl: d.baseUrl,
    ...(key !== undefined ? { key } : {}),
    enabled: d.enabled,
    models,
  });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? 'Something in the form is not right.' };
  return { ok: true, input: parsed.data };
}

/** A provider as `providers:save` takes it with only `enabled` changed (the stored key stays). */
export function toggled(p: Provider, enabled: boolean): ProviderInput {
  return { id: p.id, name: p.name, baseUrl: p.baseUrl, enabled, models: p.models };
}
