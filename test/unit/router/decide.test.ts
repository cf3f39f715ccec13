import { describe, expect, it } from 'vitest';
import type { ConversationRouting, Provider } from '../../../shared/api';
import { type DecideInput, decide, decideTarget } from '../../../electron/router/decide';

const acme: Provider = {
  id: 'p1',
  name: 'Acme',
  baseUrl: 'https://api.acme.example/v1',
  enabled: true,
  hasKey: true,
  models: [
    { id: 'gpt-x', inputPerMTok: 2, outputPerMTok: 8 },
    { id: 'free-x', inputPerMTok: 0, outputPerMTok: 0 },
  ],
  createdAt: 1,
};

const routing = (patch: Partial<ConversationRouting> = {}): ConversationRouting => ({
  conversationId: 'c1',
  policy: 'auto',
  private: false,
  remote: { providerId: 'p1', model: 'gpt-x' },
  ...patch,
});

const COMPLEX = 'Explain step by step:\n```ts\nconst x = f(y);\n```';
const SIMPLE = 'hi';

const input = (patch: Partial<DecideInput> = {}): DecideInput => ({
  routing: routing(),
  hasDocuments: false,
  defaultRemote: null,
  provider: (id) => (id === acme.id ? acme : null),
  text: COMPLEX,
  promptTokens: 1000,
  answerTokens: 1000,
  monthSpendUsd: 0,
  capUsd: 5,
  threshold: 0.5,
  ...patch,
});

describe('decide: the policies', () => {
  it('local: here, whatever the message, by the policy', () => {
    expect(decide(input({ routing: routing({ policy: 'local' }) }))).toMatchObject({
      target: 'local',
      rule: 'policy',
      reason: 'This chat runs on this machine only.',
    });
  });

  it("remote: the conversation's model, even for small talk", () => {
    const d = decide(input({ routing: routing({ policy: 'remote' }), text: SIMPLE }));
    expect(d).toMatchObject({ target: 'remote', rule: 'policy', reason: 'This chat runs on gpt-x (Acme).' });
    expect(d.target === 'remote' && d.model.id).toBe('gpt-x');
  });

  it('remote and auto with no model of their own use the default remote model from settings', () => {
    const d = decide(input({ routing: routing({ policy: 'remote', remote: null }), defaultRemote: { providerId: 'p1', model: 'free-x' } }));
    expect(d.target === 'remote' && d.model.id).toBe('free-x');
  });
});

describe('decide: auto, rule by rule', () => {
  it('1. privacy: a private chat stays here, under auto and even under remote, and says so', () => {
    for (const policy of ['auto', 'remote'] as const) {
      expect(decide(input({ routing: routing({ policy, private: true }) }))).toMatchObject({
        target: 'local',
        rule: 'private',
        reason: 'This chat is marked private, so it stays on this machine.',
      });
    }
  });

  it('1. privacy: a chat with documents attached stays here, under auto and remote', () => {
    for (const policy of ['auto', 'remote'] as const) {
      expect(decide(input({ routing: routing({ policy }), hasDocuments: true }))).toMatchObject({
        target: 'local',
        rule: 'documents',
        reason: 'Documents are attached, so it stays on this machine.',
      });
    }
  });

  it('1. no usable provider: nothing goes out until one is enabled', () => {
    const off = { ...acme, enabled: false };
    const cases: [Partial<DecideInput>, RegExp][] = [
      [{ routing: routing({ remote: null }) }, /No remote model is chosen.*nothing goes out until you enable a provider/],
      [{ provider: () => off }, /Acme is not enabled, so it ran here: nothing goes out until you enable a provider\./],
      [{ provider: () => null }, /was removed, so it ran here/],
      [{ routing: routing({ remote: { providerId: 'p1', model: 'gone-x' } }) }, /Acme does not list gone-x, so it ran here/],
    ];
    for (const [patch, reason] of cases) {
      for (const policy of ['auto', 'remote'] as const) {
        const d = decide(input({ ...patch, routing: { ...(patch.routing ?? routing()), policy } }));
        expect(d, String(reason)).toMatchObject({ target: 'local', rule: 'no-provider' });
        expect(d.reason).toMatch(reason);
      }
    }
  });

  it('2. the cost cap: spending plus this message over the cap stays here, with the cap and the spend in words', () => {
    // 1000 prompt tokens at $2/M + 5000 answer tokens at $8/M = $0.042, and $4.98 + $0.042 > $5.
    const d = decide(input({ monthSpendUsd: 4.98, capUsd: 5, answerTokens: 5000 }));
    expect(d).toMatchObject({ target: 'local', rule: 'cost-cap', reason: "Over this month's $5.00 cap ($4.98 spent), so it ran here." });
    // $4.98 + $0.001 still fits.
    expect(decide(input({ monthSpendUsd: 4.98, capUsd: 5, answerTokens: 0, promptTokens: 500 }))).toMatchObject({ target: 'remote' });
  });

  it('2. the cap never stops a free model (the user’s own server)', () => {
    const free = routing({ remote: { providerId: 'p1', model: 'free-x' } });
    expect(decide(input({ routing: free, monthSpendUsd: 100, capUsd: 5 }))).toMatchObject({ target: 'remote', rule: 'complexity' });
  });

  it('3. complexity: at or over the threshold goes out with its cues, under it stays here', () => {
    const out = decide(input());
    expect(out).toMatchObject({ target: 'remote', rule: 'complexity' });
    expect(out.reason).toMatch(/^Looks complex \((code|several steps), (code|several steps)\): sent to gpt-x \(Acme\)\.$/);
    expect(out.complexity).toBeGreaterThanOrEqual(0.5);
    const here = decide(input({ text: SIMPLE }));
    expect(here).toMatchObject({ target: 'local', rule: 'complexity', complexity: 0 });
    expect(here.reason).toMatch(/ran here/);
    expect(decide(input({ text: SIMPLE, threshold: 0 }))).toMatchObject({ target: 'remote', rule: 'complexity' });
    expect(decide(input({ threshold: 1 }))).toMatchObject({ target: 'local', rule: 'complexity' });
  });

  it('applies the rules in order: privacy before the provider, the provider before the cap, the cap before complexity', () => {
    const off = () => ({ ...acme, enabled: false });
    expect(decide(input({ routing: routing({ private: true }), hasDocuments: true, provider: off })).rule).toBe('private');
    expect(decide(input({ hasDocuments: true, provider: off, monthSpendUsd: 99 })).rule).toBe('documents');
    expect(decide(input({ provider: off, monthSpendUsd: 99 })).rule).toBe('no-provider');
    // Over the cap, even a simple message is decided by the cap (rule 2 comes before rule 3).
    expect(decide(input({ text: SIMPLE, monthSpendUsd: 99 })).rule).toBe('cost-cap');
  });

  it('under remote the cap does not apply: the user chose this model for the chat', () => {
    expect(decide(input({ routing: routing({ policy: 'remote' }), monthSpendUsd: 99 }))).toMatchObject({
      target: 'remote',
      rule: 'policy',
    });
  });
});

describe('decideTarget: the place the user named', () => {
  const facts = { routing: routing({ policy: 'local' }), hasDocuments: false, provider: (id: string) => (id === 'p1' ? acme : null) };

  it('runs a local model where asked, and a remote one even in a local-only chat', () => {
    expect(decideTarget(facts, { kind: 'local', modelPath: '/m/a.gguf' })).toMatchObject({
      target: 'local',
      modelPath: '/m/a.gguf',
      rule: 'user',
    });
    expect(decideTarget(facts, { kind: 'remote', providerId: 'p1', model: 'gpt-x' })).toMatchObject({
      target: 'remote',
      rule: 'user',
      reason: 'You asked for it to run on gpt-x (Acme).',
    });
  });

  it('refuses to take a private or document chat off the machine (FORBIDDEN), but runs it on another local model', () => {
    const remote = { kind: 'remote', providerId: 'p1', model: 'gpt-x' } as const;
    expect(() => decideTarget({ ...facts, routing: routing({ private: true }) }, remote)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: 'This chat is marked private, so it never leaves this machine.' }),
    );
    expect(() => decideTarget({ ...facts, hasDocuments: true }, remote)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: 'Documents are attached, so it never leaves this machine.' }),
    );
    expect(decideTarget({ ...facts, hasDocuments: true }, { kind: 'local', modelPath: '/m/b.gguf' }).target).toBe('local');
  });

  it('refuses a provider that is off or lacks the model, in words', () => {
    const off = { ...facts, provider: () => ({ ...acme, enabled: false }) };
    expect(() => decideTarget(off, { kind: 'remote', providerId: 'p1', model: 'gpt-x' })).toThrow(
      expect.objectContaining({ code: 'BAD_INPUT', message: 'Acme is not enabled: nothing goes out until you enable a provider.' }),
    );
    expect(() => decideTarget(facts, { kind: 'remote', providerId: 'p1', model: 'nope' })).toThrow(/Acme does not list nope/);
  });
});
