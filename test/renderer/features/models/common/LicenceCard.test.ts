import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { LicenceCard as Card } from '../../../../../shared/models';
import { LicenceBadge, LicenceCard } from '../../../../../renderer/features/models/common/LicenceCard';
import { commercialLabel } from '../../../../../renderer/features/models/common/licence';

const llama: Card = {
  id: 'llama3.1',
  name: 'Llama 3.1 Community License',
  category: 'restricted',
  commercialUse: true,
  conditions: [
    'Products with over 700 million monthly active users need a separate licence from Meta.',
    'Follow the acceptable-use policy.',
  ],
  url: 'https://www.llama.com/llama3_1/license/',
};
const card = (c: Card): string => renderToStaticMarkup(createElement(LicenceCard, { card: c }));

describe('the licence card', () => {
  it("names the licence, its category and whether commercial use is allowed, then its key conditions and the full text's link", () => {
    const html = card(llama);
    expect(html).toContain('Llama 3.1 Community License');
    expect(html).toContain('Open weights with restrictions');
    expect(html).toContain('Commercial use allowed, with the conditions below');
    expect(html).toContain('700 million monthly active users');
    expect(html).toContain('href="https://www.llama.com/llama3_1/license/"');
    expect(html).toContain('rel="noopener noreferrer"');
  });

  it('says plainly when commercial use is not allowed, or not known', () => {
    expect(card({ ...llama, category: 'non-commercial', commercialUse: false, conditions: [] })).toContain('Commercial use not allowed');
    expect(commercialLabel({ commercialUse: null, conditions: [] })).toMatch(/unclear: read the licence/);
    expect(commercialLabel({ commercialUse: true, conditions: [] })).toBe('Commercial use allowed');
  });

  it('links only to an http(s) address: a licence URL from the Hub is not trusted', () => {
    expect(card({ ...llama, url: 'javascript:alert(1)' })).not.toContain('href');
    expect(card({ ...llama, url: null })).not.toContain('Read the full licence');
  });

  it('fits in a word or two in a list, with the commercial answer in its title', () => {
    const html = renderToStaticMarkup(
      createElement(LicenceBadge, { card: { ...llama, id: 'apache-2.0', name: 'Apache 2.0', category: 'permissive', conditions: [] } }),
    );
    expect(html).toContain('Apache 2.0 · Permissive');
    expect(html).toContain('title="Commercial use allowed"');
  });
});
