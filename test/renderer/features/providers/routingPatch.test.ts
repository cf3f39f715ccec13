import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../../shared/types';
import { remoteValue, routingPatch } from '../../../../renderer/features/providers/routingPatch';

const current = { ...DEFAULT_SETTINGS, defaultRemote: { providerId: 'p', model: 'big' }, monthlyCostCapUsd: 5, autoRemoteThreshold: 0.5 };

describe('the routing settings', () => {
  it('sends only what changed', () => {
    expect(routingPatch(current, {})).toEqual({ ok: true, patch: {} });
    expect(
      routingPatch(current, { defaultRemote: remoteValue(current.defaultRemote), monthlyCostCapUsd: '5', autoRemoteThreshold: '0.5' }),
    ).toEqual({
      ok: true,
      patch: {},
    });
    expect(routingPatch(current, { defaultRemote: 'q\nsmall/v2', monthlyCostCapUsd: '$12.5', autoRemoteThreshold: '0.35' })).toEqual({
      ok: true,
      patch: { defaultRemote: { providerId: 'q', model: 'small/v2' }, monthlyCostCapUsd: 12.5, autoRemoteThreshold: 0.35 },
    });
    expect(routingPatch(current, { defaultRemote: '' })).toEqual({ ok: true, patch: { defaultRemote: null } });
  });

  it('refuses a cap that is not an amount and a threshold outside 0..1, in words', () => {
    expect(routingPatch(current, { monthlyCostCapUsd: 'lots' })).toEqual({
      ok: false,
      error: expect.stringMatching(/^The monthly cap is an amount in dollars/),
    });
    expect(routingPatch(current, { monthlyCostCapUsd: '-1' }).ok).toBe(false);
    expect(routingPatch(current, { monthlyCostCapUsd: '' }).ok).toBe(false);
    expect(routingPatch(current, { autoRemoteThreshold: '1.5' })).toEqual({
      ok: false,
      error: 'The auto threshold is a number from 0 to 1.',
    });
  });

  it('sends the new chats policy when it changed, and refuses one that is none of the three', () => {
    expect(routingPatch(current, { newChatRoutePolicy: 'local' })).toEqual({ ok: true, patch: {} });
    expect(routingPatch(current, { newChatRoutePolicy: 'auto' })).toEqual({ ok: true, patch: { newChatRoutePolicy: 'auto' } });
    expect(routingPatch(current, { newChatRoutePolicy: 'everywhere' }).ok).toBe(false);
  });
});
