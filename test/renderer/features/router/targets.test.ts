import { describe, expect, it } from 'vitest';
import { defaultPair, elsewhereOptions, optionOfRoute, targetKey, targetOptions } from '../../../../renderer/features/router/targets';
import { lib, provider, route } from './fixtures';

const options = targetOptions(
  [lib('/m/a.gguf'), lib('/m/b.gguf'), lib('/m/broken.gguf', { problem: 'Truncated.' })],
  [
    provider('p', {
      models: [
        { id: 'big', inputPerMTok: 3, outputPerMTok: 15 },
        { id: 'small', inputPerMTok: 0.1, outputPerMTok: 0.4 },
      ],
    }),
    provider('off', { enabled: false }),
  ],
);
const labels = (o: { label: string }[]): string[] => o.map((x) => x.label);

describe('the places an answer can be written', () => {
  it('lists the loadable local models, then the models of enabled providers only', () => {
    expect(labels(options)).toEqual(['This machine · a.gguf', 'This machine · b.gguf', 'P · big', 'P · small']);
    expect(options[0]!.target).toEqual({ kind: 'local', modelPath: '/m/a.gguf' });
    expect(options[2]!.target).toEqual({ kind: 'remote', providerId: 'p', model: 'big' });
    expect(new Set(options.map((o) => o.key)).size).toBe(options.length);
    expect(targetKey({ kind: 'remote', providerId: 'p', model: 'big' })).toBe('remote:p:big');
  });

  it('offers every place but the one the answer ran at', () => {
    const remote = route({ target: 'remote', providerId: 'p', providerName: 'P', model: 'big' });
    expect(labels(elsewhereOptions(options, remote, 'big'))).toEqual(['This machine · a.gguf', 'This machine · b.gguf', 'P · small']);
    expect(labels(elsewhereOptions(options, route({ model: 'a.gguf' }), 'a.gguf'))).toEqual([
      'This machine · b.gguf',
      'P · big',
      'P · small',
    ]);
    // An answer from before routing was recorded ran here, as its model says.
    expect(labels(elsewhereOptions(options, undefined, 'b.gguf'))).toEqual(['This machine · a.gguf', 'P · big', 'P · small']);
    expect(optionOfRoute(options, remote, 'big')?.label).toBe('P · big');
    expect(optionOfRoute(options, route({ target: 'remote', providerId: 'off', model: 'off-small' }), null)).toBeNull();
  });

  it('starts a comparison from this machine against the default remote model, or another place', () => {
    const pair = (first: (typeof options)[number] | null, selected: string | null, def: { providerId: string; model: string } | null) =>
      labels(defaultPair(options, first, selected, def) ?? []);
    expect(pair(null, '/m/b.gguf', { providerId: 'p', model: 'small' })).toEqual(['This machine · b.gguf', 'P · small']);
    // No default remote: the first place of the other kind.
    expect(pair(null, '/m/a.gguf', null)).toEqual(['This machine · a.gguf', 'P · big']);
    // Compared from a remote answer: that answer's place first, this machine's model second.
    expect(pair(options[2]!, '/m/a.gguf', { providerId: 'p', model: 'big' })).toEqual(['P · big', 'This machine · a.gguf']);
    const onlyLocal = targetOptions([lib('/m/a.gguf'), lib('/m/b.gguf')], []);
    expect(labels(defaultPair(onlyLocal, null, '/m/b.gguf', null) ?? [])).toEqual(['This machine · b.gguf', 'This machine · a.gguf']);
    const one = targetOptions([lib('/m/a.gguf')], []);
    expect(labels(defaultPair(one, null, null, null) ?? [])).toEqual(['This machine · a.gguf', 'This machine · a.gguf']);
    expect(defaultPair([], null, null, null)).toBeNull();
  });
});
