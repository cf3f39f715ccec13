import type { LicenceCard as Card } from '../../../../shared/models';
import { safeHref } from '../../chat/markdown/safeUrl';
import { CATEGORY_LABEL, CATEGORY_SHORT, commercialLabel } from './licence';

/**
 * A licence in plain words: its name, its category, whether it allows commercial use, its key conditions and a
 * link to the full text. Shown before a download button and beside a downloaded model.
 */
export function LicenceCard({ card, headingLevel = 3 }: { card: Card; headingLevel?: 3 | 4 }) {
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  const href = safeHref(card.url);
  return (
    <section className="licence-card" data-testid="licence-card" data-category={card.category} aria-label={`Licence: ${card.name}`}>
      <div className="licence-head">
        <Heading className="licence-name">{card.name}</Heading>
        <span className={`licence-badge licence-${card.category}`}>{CATEGORY_LABEL[card.category]}</span>
      </div>
      <p className={`licence-commercial${card.commercialUse === false ? ' licence-no' : ''}`} data-testid="licence-commercial">
        {commercialLabel(card)}
      </p>
      {card.conditions.length > 0 && (
        <ul className="licence-conditions">
          {card.conditions.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      )}
      {href && (
        <a className="licence-link" href={href} target="_blank" rel="noopener noreferrer">
          Read the full licence
        </a>
      )}
    </section>
  );
}

/** The licence in a word or two, for lists; the full card is one click away. */
export function LicenceBadge({ card }: { card: Card }) {
  return (
    <span className={`licence-badge licence-${card.category}`} data-testid="licence-badge" title={commercialLabel(card)}>
      {card.name} · {CATEGORY_SHORT[card.category]}
    </span>
  );
}
