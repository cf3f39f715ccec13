import { describe, expect, it } from 'vitest';
import type { ConversationRouting } from '../../../../shared/api';
import { stayNote } from '../../../../renderer/features/router/stayNote';

const routing = (over: Partial<ConversationRouting>): ConversationRouting => ({
  conversationId: 'c',
  policy: 'auto',
  private: false,
  remote: null,
  ...over,
});

describe('what the route picker says about privacy', () => {
  it('says a private or document chat stays on this machine, whatever its policy', () => {
    expect(stayNote({ routing: routing({ policy: 'remote', private: true }), documents: true, providerEnabled: true })).toMatchObject({
      kind: 'stays',
      text: expect.stringMatching(/^Private: .*this machine/),
    });
    expect(stayNote({ routing: routing({ policy: 'remote' }), documents: true, providerEnabled: true })).toMatchObject({
      kind: 'stays',
      text: expect.stringMatching(/^Documents are attached: answers stay on this machine/),
    });
  });

  it('says nothing goes out while no provider is enabled, and what goes out once one is', () => {
    expect(stayNote({ routing: routing({ policy: 'remote' }), documents: false, providerEnabled: false })?.text).toMatch(
      /^No remote provider is enabled, so answers stay on this machine/,
    );
    expect(stayNote({ routing: routing({ policy: 'remote' }), documents: false, providerEnabled: true })).toMatchObject({ kind: 'goes' });
    expect(stayNote({ routing: routing({ policy: 'auto' }), documents: false, providerEnabled: true })?.text).toMatch(/under the cap/);
    // Not known yet: no claim either way.
    expect(stayNote({ routing: routing({ policy: 'auto' }), documents: false, providerEnabled: null })?.kind).toBe('goes');
  });

  it('has nothing to add for local only', () => {
    expect(stayNote({ routing: routing({ policy: 'local' }), documents: false, providerEnabled: false })).toBeNull();
  });
});
