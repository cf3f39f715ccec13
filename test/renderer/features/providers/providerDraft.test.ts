import { describe, expect, it } from 'vitest';
import { draftOf, inputOf, toggled, type ProviderDraft } from '../../../../renderer/features/providers/providerDraft';
import { provider } from '../router/fixtures';

const draft = (over: Partial<ProviderDraft>): ProviderDraft => ({
  ...draftOf(null),
  name: 'Fake',
  baseUrl: 'http://127.0.0.1:9/v1',
  models: [{ id: 'm', input: '0.5', output: '$1.5' }],
  ...over,
});
const error = (d: ProviderDraft): string | null => {
  const r = inputOf(d);
  return r.ok ? null : r.error;
};

describe('the provider form', () => {
  it('starts empty for a new provider, and from the saved one (with a check’s models added, prices blank) for an edit', () => {
    expect(draftOf(null)).toEqual({
      name: '',
      baseUrl: '',
      enabled: false,
      hasKey: false,
      key: { mode: 'keep' },
      models: [{ id: '', input: '', output: '' }],
    });
    const p = provider('p', { models: [{ id: 'big', inputPerMTok: 3, outputPerMTok: 0 }] });
    expect(draftOf(p, ['big', 'new'])).toMatchObject({
      id: 'p',
      hasKey: true,
      key: { mode: 'keep' },
      models: [
        { id: 'big', input: '3', output: '0' },
        { id: 'new', input: '', output: '' },
      ],
    });
  });

  it('sends prices as numbers (blank is free), leaves blank rows out, and the key only when it changes', () => {
    const r = inputOf(
      draft({
        models: [
          { id: ' m ', input: '0.5', output: '$1.5' },
          { id: '', input: '', output: '' },
          { id: 'own', input: '', output: ' ' },
        ],
      }),
    );
    expect(r).toEqual({
      ok: true,
      input: {
        name: 'Fake',
        baseUrl: 'http://127.0.0.1:9/v1',
        enabled: false,
        models: [
          { id: 'm', inputPerMTok: 0.5, outputPerMTok: 1.5 },
          { id: 'own', inputPerMTok: 0, outputPerMTok: 0 },
        ],
      },
    });
    expect(inputOf(draft({ key: { mode: 'set', value: ' sk-1 ' } }))).toMatchObject({ ok: true, input: { key: 'sk-1' } });
    // An empty replacement keeps the stored key; remove sends null.
    expect(inputOf(draft({ id: 'p', hasKey: true, key: { mode: 'set', value: '' } }))).not.toHaveProperty('input.key');
    expect(inputOf(draft({ id: 'p', hasKey: true, key: { mode: 'remove' } }))).toMatchObject({ ok: true, input: { id: 'p', key: null } });
  });

  it('says in words what is wrong', () => {
    expect(error(draft({ name: '  ' }))).toBe('Give the provider a name.');
    expect(error(draft({ baseUrl: 'api.openai.com/v1' }))).toMatch(/^The base URL starts with http:\/\/ or https:\/\//);
    expect(error(draft({ models: [{ id: 'm', input: 'cheap', output: '' }] }))).toBe('The input price of m is not a number: "cheap".');
    expect(error(draft({ models: [{ id: 'm', input: '1', output: '-2' }] }))).toBe('The output price of m cannot be below zero.');
    expect(
      error(
        draft({
          models: [
            { id: 'm', input: '', output: '' },
            { id: 'm', input: '', output: '' },
          ],
        }),
      ),
    ).toBe('The model m is listed twice.');
    expect(error(draft({ models: [{ id: '', input: '2', output: '' }] }))).toBe('A model with prices has no name.');
    expect(error(draft({ enabled: true, models: [{ id: '', input: '', output: '' }] }))).toBe(
      'Add at least one model before enabling the provider.',
    );
    expect(error(draft({ models: [{ id: 'm', input: '20000', output: '' }] }))).toMatch(/more than \$10,000/);
  });

  it('switches a provider on or off without touching its key', () => {
    const p = provider('p', { enabled: false });
    expect(toggled(p, true)).toEqual({ id: 'p', name: 'P', baseUrl: p.baseUrl, enabled: true, models: p.models });
  });
});
