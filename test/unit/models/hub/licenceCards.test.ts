import { describe, expect, it } from 'vitest';
import { KNOWN_LICENCE_IDS, licenceCard } from '../../../../electron/models/hub/licenceCards';
import { LicenceCard } from '../../../../shared/models';

describe('licenceCard', () => {
  it.each([
    ['apache-2.0', 'permissive', true],
    ['mit', 'permissive', true],
    ['bsd', 'permissive', true],
    ['bsd-3-clause', 'permissive', true],
    ['cc-by-4.0', 'permissive', true],
    ['llama2', 'restricted', true],
    ['llama3', 'restricted', true],
    ['llama3.1', 'restricted', true],
    ['llama3.2', 'restricted', true],
    ['llama3.3', 'restricted', true],
    ['llama4', 'restricted', true],
    ['gemma', 'restricted', true],
    ['qwen', 'restricted', true],
    ['deepseek', 'restricted', true],
    ['openrail', 'restricted', true],
    ['openrail++', 'restricted', true],
    ['qwen-research', 'non-commercial', false],
    ['mrl', 'non-commercial', false],
    ['cc-by-nc-4.0', 'non-commercial', false],
    ['cc-by-nc-sa-4.0', 'non-commercial', false],
    ['other', 'unknown', null],
    ['unknown', 'unknown', null],
  ] as const)('files %s as %s with commercial use %s', (id, category, commercialUse) => {
    const card = licenceCard({ license: id });
    expect(card).toMatchObject({ id, category, commercialUse });
    expect(LicenceCard.parse(card)).toEqual(card);
    expect(card.conditions.length).toBeGreaterThan(0);
    expect(card.name).not.toBe('');
  });

  it('gives every known licence a name, plain conditions and an https link or none', () => {
    for (const id of KNOWN_LICENCE_IDS) {
      const card = licenceCard({ license: id });
      expect(card.category, id).not.toBe('unknown');
      for (const c of card.conditions) expect(c, id).toMatch(/^[A-Z"].*\.$/);
      expect(card.url ?? 'https://none', id).toMatch(/^https:\/\//);
    }
  });

  it("states the Llama licence's 700M monthly-user clause, its acceptable-use policy and its attribution", () => {
    for (const id of ['llama3.1', 'llama3.2', 'llama3.3', 'llama4']) {
      const text = licenceCard({ license: id }).conditions.join(' ');
      expect(text, id).toContain('700 million monthly active users');
      expect(text, id).toContain('Acceptable Use Policy');
      expect(text, id).toContain('"Built with Llama"');
    }
    expect(licenceCard({ license: 'llama3' }).conditions.join(' ')).toContain('"Built with Meta Llama 3"');
    expect(licenceCard({ license: 'llama3.2' }).conditions.join(' ')).toContain('European Union');
    expect(licenceCard({ license: 'llama3.1' }).conditions.join(' ')).not.toContain('European Union');
  });

  it("states Gemma's prohibited-use policy and that its restrictions pass on", () => {
    const text = licenceCard({ license: 'gemma' }).conditions.join(' ');
    expect(text).toContain('Prohibited Use Policy');
    expect(text).toContain('same use restrictions');
  });

  it('reads the name of an `other` licence from the model card, under the names Qwen, Mistral and DeepSeek use', () => {
    expect(licenceCard({ license: 'other', licenseName: 'qwen' })).toMatchObject({ id: 'qwen', category: 'restricted' });
    expect(licenceCard({ license: 'other', licenseName: 'tongyi-qianwen-research' })).toMatchObject({
      id: 'qwen-research',
      commercialUse: false,
    });
    expect(licenceCard({ license: 'other', licenseName: 'mrl' })).toMatchObject({ id: 'mrl', category: 'non-commercial' });
    expect(licenceCard({ license: 'OTHER', licenseName: 'DeepSeek' })).toMatchObject({ id: 'deepseek', commercialUse: true });
  });

  it('keeps an unknown `other` licence unknown, naming it and linking it only over http(s)', () => {
    const card = licenceCard({ license: 'other', licenseName: 'acme-model-license', licenseLink: 'https://acme.example/LICENSE' });
    expect(card).toMatchObject({ id: 'other', category: 'unknown', commercialUse: null, url: 'https://acme.example/LICENSE' });
    expect(card.name).toContain('acme-model-license');
    expect(licenceCard({ license: 'other', licenseLink: 'javascript:alert(1)' }).url).toBeNull();
    expect(licenceCard({ license: 'other', licenseLink: 'LICENSE' }).url).toBeNull();
    expect(licenceCard({}).id).toBe('unknown');
    expect(licenceCard({ license: 'some-new-id' })).toMatchObject({ id: 'some-new-id', category: 'unknown', commercialUse: null });
  });

  it('files OLMo as open source with open data and code, by its publisher and family, not by its licence id', () => {
    for (const repo of ['allenai/OLMo-2-1124-7B-Instruct-GGUF', 'bartowski/OLMo-2-1124-7B-Instruct-GGUF', 'someone/olmoe-1b-7b-GGUF']) {
      const card = licenceCard({ license: 'apache-2.0', repo });
      expect(card, repo).toMatchObject({ id: 'apache-2.0', category: 'open-source', commercialUse: true });
      expect(card.name, repo).toContain('open data and code');
      expect(card.conditions[0], repo).toContain('training data');
    }
    expect(licenceCard({ license: 'apache-2.0', repo: 'Qwen/Qwen3-8B-GGUF' }).category).toBe('permissive');
    expect(licenceCard({ repo: 'allenai/OLMo-2-0425-1B-Instruct-GGUF' })).toMatchObject({ category: 'open-source', id: 'apache-2.0' });
  });

  it('never loosens a stricter licence for an open-source family', () => {
    expect(licenceCard({ license: 'cc-by-nc-4.0', repo: 'allenai/some-model' })).toMatchObject({
      category: 'non-commercial',
      commercialUse: false,
    });
    expect(licenceCard({ license: 'llama3.1', repo: 'allenai/Llama-3.1-Tulu-3-8B' }).category).toBe('restricted');
    expect(licenceCard({ license: 'other', repo: 'allenai/x' }).category).toBe('unknown');
  });

  it('hands out cards that changing cannot affect the next one', () => {
    const a = licenceCard({ license: 'mit' });
    a.conditions.push('Changed.');
    expect(licenceCard({ license: 'mit' }).conditions).not.toContain('Changed.');
  });
});
