import type { LicenceCard, LicenceCategory } from '../../../../shared/models';

/** Each licence category in plain words, as the licence card and the badges say it. */
export const CATEGORY_LABEL: Record<LicenceCategory, string> = {
  'open-source': 'Open source: open weights, data and code',
  permissive: 'Permissive open weights',
  restricted: 'Open weights with restrictions',
  'non-commercial': 'Non-commercial use only',
  unknown: 'Licence not known',
};

/** A short form for badges in lists. */
export const CATEGORY_SHORT: Record<LicenceCategory, string> = {
  'open-source': 'Open source',
  permissive: 'Permissive',
  restricted: 'Restricted',
  'non-commercial': 'Non-commercial',
  unknown: 'Unknown licence',
};

export function commercialLabel(card: Pick<LicenceCard, 'commercialUse' | 'conditions'>): string {
  if (card.commercialUse === true)
    return card.conditions.length > 0 ? 'Commercial use allowed, with the conditions below' : 'Commercial use allowed';
  if (card.commercialUse === false) return 'Commercial use not allowed';
  return 'Commercial use unclear: read the licence before using it for work';
}
