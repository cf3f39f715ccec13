import { describe, expect, it } from 'vitest';
import { capShare, formatUsd, placeOf, policyLabel, routeLine, ruleLabel } from '../../../../renderer/features/router/routeText';
import { route } from './fixtures';

describe('how routes and costs read', () => {
  it('says where an answer ran: this machine or the provider, with the model', () => {
    expect(placeOf('local', null, 'qwen.gguf')).toBe('This machine · qwen.gguf');
    expect(placeOf('remote', 'OpenAI', 'gpt-4o-mini')).toBe('OpenAI · gpt-4o-mini');
    expect(placeOf('remote', null, 'm')).toBe('A remote provider · m');
  });

  it('writes dollars in cents from a cent up and keeps two significant digits below, so a small answer never reads $0.00', () => {
    expect(formatUsd(0)).toBe('$0');
    expect(formatUsd(5)).toBe('$5.00');
    expect(formatUsd(0.01)).toBe('$0.01');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0.00123)).toBe('$0.0012');
    expect(formatUsd(0.001)).toBe('$0.001');
    expect(formatUsd(0.0000042)).toBe('$0.0000042');
    expect(formatUsd(0.0000000001)).toBe('<$0.000001');
  });

  it('gives the cost only for a remote answer whose cost is known', () => {
    expect(routeLine(route())).toEqual({ place: 'This machine · a.gguf', cost: null, reason: 'Local only for this conversation.' });
    const remote = route({ target: 'remote', providerId: 'p', providerName: 'Fake', model: 'm', costUsd: 0.0021, reason: 'Remote only.' });
    expect(routeLine(remote)).toEqual({ place: 'Fake · m', cost: '$0.0021', reason: 'Remote only.' });
    expect(routeLine({ ...remote, costUsd: null }).cost).toBeNull();
  });

  it('names every rule and policy', () => {
    expect(ruleLabel('cost-cap')).toBe('Cost cap');
    expect(ruleLabel('documents')).toBe('Documents attached');
    expect(policyLabel('remote')).toBe('Remote only');
    expect(policyLabel('auto')).toBe('Auto');
  });

  it('fills the spending bar up to the cap and no further; a cap of 0 is full once anything is spent', () => {
    expect(capShare(0, 5)).toBe(0);
    expect(capShare(2.5, 5)).toBe(0.5);
    expect(capShare(7, 5)).toBe(1);
    expect(capShare(0, 0)).toBe(0);
    expect(capShare(0.01, 0)).toBe(1);
  });
});
