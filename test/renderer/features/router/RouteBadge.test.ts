import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RouteBadge } from '../../../../renderer/features/router/RouteBadge';
import { route } from './fixtures';

const html = (r: Parameters<typeof RouteBadge>[0]['route']): string => renderToStaticMarkup(createElement(RouteBadge, { route: r }));

describe('the route line under an answer', () => {
  it('says a remote answer ran on the provider, what it cost and why', () => {
    const out = html(
      route({
        target: 'remote',
        providerId: 'p',
        providerName: 'Fake',
        model: 'fast',
        rule: 'complexity',
        complexity: 0.8,
        costUsd: 0.0003,
        reason: 'It looks complex.',
      }),
    );
    expect(out).toContain('data-target="remote"');
    expect(out).toContain('data-rule="complexity"');
    expect(out).toContain('<span class="route-place" data-testid="route-place">Fake · fast</span>');
    expect(out).toContain('>$0.0003</span>');
    expect(out).toContain('title="It looks complex. (complexity estimate 0.80)">It looks complex.</span>');
  });

  it('says a local answer ran on this machine, with no cost, and renders nothing for an answer without a route', () => {
    const out = html(route({ rule: 'private', reason: 'Private: it stays on this machine.' }));
    expect(out).toContain('This machine · a.gguf');
    expect(out).toContain('Private: it stays on this machine.');
    expect(out).not.toContain('route-cost');
    expect(html(undefined)).toBe('');
  });
});
