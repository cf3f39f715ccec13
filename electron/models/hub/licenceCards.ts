import type { LicenceCard } from '../../../shared/models';

type CardBody = Omit<LicenceCard, 'id'>;

const LLAMA_MAU =
  'Commercial use is allowed, but a company whose products had more than 700 million monthly active users on the release date needs a separate licence from Meta.';
const LLAMA_AUP = "Meta's Acceptable Use Policy applies: no illegal, harmful or deceptive uses, among others.";
const LLAMA_EU_VISION =
  'The rights to its multimodal (vision) models are not granted to people living in, or companies based in, the European Union; the text-only models are not affected.';
const OSI = 'https://opensource.org/license/';

/** Llama 3.1 and later share their terms; only the name, the link and the vision clause differ. */
function llama(version: string, url: string, euVision: boolean): CardBody {
  return {
    name: `Llama ${version} Community License`,
    category: 'restricted',
    commercialUse: true,
    conditions: [
      LLAMA_MAU,
      LLAMA_AUP,
      'Products or services built with it must show "Built with Llama".',
      'A model trained or fine-tuned from it, or with its outputs, must have a name that begins with "Llama".',
      'Redistributions must include a copy of the licence.',
      ...(euVision ? [LLAMA_EU_VISION] : []),
    ],
    url,
  };
}

function permissive(name: string, url: string | null, conditions: string[]): CardBody {
  return { name, category: 'permissive', commercialUse: true, conditions, url };
}

function nonCommercial(name: string, url: string | null, conditions: string[]): CardBody {
  return { name, category: 'non-commercial', commercialUse: false, conditions, url };
}

const ATTRIBUTION = 'Keep the copyright and licence notice when you share it.';
const CC_NC = 'Non-commercial use only: no use for a commercial advantage or for money.';
const CC_BY = 'Give credit to the authors and link to the licence.';
const SHARE_ALIKE = 'What you build from it must be shared under the same licence.';
const RAIL =
  'Open weights with use restrictions: the licence lists uses that are forbidden (harm, discrimination, disinformation and others), and they pass on to anyone you share it with.';

/** The Hub's licence ids (https://huggingface.co/docs/hub/repositories-licenses) and the names used with `other`. */
const CARDS: Record<string, CardBody> = {
  'apache-2.0': permissive('Apache License 2.0', `${OSI}apache-2-0`, [
    'Use, change and sell it freely, commercially too.',
    'Keep the licence and the NOTICE file, and mark the files you changed.',
    'It grants a patent licence, which ends for anyone who sues over patents in it.',
  ]),
  mit: permissive('MIT License', `${OSI}mit`, ['Use, change and sell it freely, commercially too.', ATTRIBUTION]),
  bsd: permissive('BSD License', `${OSI}bsd-3-clause`, ['Use, change and sell it freely, commercially too.', ATTRIBUTION]),
  'bsd-2-clause': permissive('BSD 2-Clause License', `${OSI}bsd-2-clause`, [
    'Use, change and sell it freely, commercially too.',
    ATTRIBUTION,
  ]),
  'bsd-3-clause': permissive('BSD 3-Clause License', `${OSI}bsd-3-clause`, [
    'Use, change and sell it freely, commercially too.',
    ATTRIBUTION,
    "Do not use the authors' names to promote what you build without their permission.",
  ]),
  isc: permissive('ISC License', `${OSI}isc-license-txt`, ['Use, change and sell it freely, commercially too.', ATTRIBUTION]),
  unlicense: permissive('The Unlicense', 'https://unlicense.org/', ['Public domain: no conditions at all.']),
  'cc0-1.0': permissive('CC0 1.0 (public domain)', 'https://creativecommons.org/publicdomain/zero/1.0/', [
    'Public domain: no conditions at all.',
  ]),
  'cc-by-4.0': permissive('Creative Commons Attribution 4.0', 'https://creativecommons.org/licenses/by/4.0/', [
    'Use, change and sell it, commercially too.',
    CC_BY,
  ]),
  'cc-by-sa-4.0': permissive('Creative Commons Attribution-ShareAlike 4.0', 'https://creativecommons.org/licenses/by-sa/4.0/', [
    'Use, change and sell it, commercially too.',
    CC_BY,
    SHARE_ALIKE,
  ]),
  'gpl-3.0': permissive('GNU General Public License 3.0', `${OSI}gpl-3-0`, [
    'Use and sell it, commercially too.',
    'Copyleft: if you distribute it or a work built from it, you must share the source under the GPL.',
  ]),
  'agpl-3.0': permissive('GNU Affero General Public License 3.0', `${OSI}agpl-v3`, [
    'Use and sell it, commercially too.',
    'Copyleft, over a network too: offering it as a service means sharing your changes under the AGPL.',
  ]),
  'mpl-2.0': permissive('Mozilla Public License 2.0', `${OSI}mpl-2-0`, [
    'Use and sell it, commercially too.',
    'Changes to its own files must be shared under the MPL; your other files need not be.',
  ]),
  openrail: {
    name: 'Open RAIL License',
    category: 'restricted',
    commercialUse: true,
    conditions: ['Commercial use is allowed.', RAIL],
    url: 'https://huggingface.co/blog/open_rail',
  },
  'openrail++': {
    name: 'Open RAIL++-M License',
    category: 'restricted',
    commercialUse: true,
    conditions: ['Commercial use is allowed.', RAIL],
    url: 'https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0/blob/main/LICENSE.md',
  },
  'bigscience-openrail-m': {
    name: 'BigScience Open RAIL-M License',
    category: 'restricted',
    commercialUse: true,
    conditions: ['Commercial use is allowed.', RAIL],
    url: 'https://www.licenses.ai/blog/2022/8/26/bigscience-open-rail-m-license',
  },
  'bigcode-openrail-m': {
    name: 'BigCode Open RAIL-M License',
    category: 'restricted',
    commercialUse: true,
    conditions: ['Commercial use is allowed.', RAIL],
    url: 'https://www.bigcode-project.org/docs/pages/bigcode-openrail/',
  },
  llama2: {
    name: 'Llama 2 Community License',
    category: 'restricted',
    commercialUse: true,
    conditions: [
      LLAMA_MAU,
      LLAMA_AUP,
      'Its outputs may not be used to improve any other large language model.',
      'Redistributions must include a copy of the licence and its copyright notice.',
    ],
    url: 'https://ai.meta.com/llama/license/',
  },
  llama3: {
    name: 'Meta Llama 3 Community License',
    category: 'restricted',
    commercialUse: true,
    conditions: [
      LLAMA_MAU,
      LLAMA_AUP,
      'Products or services built with it must show "Built with Meta Llama 3".',
      'A model built from it must have a name that begins with "Llama 3"; its outputs may not be used to improve any other large language model.',
      'Redistributions must include a copy of the licence.',
    ],
    url: 'https://llama.meta.com/llama3/license/',
  },
  'llama3.1': llama('3.1', 'https://www.llama.com/llama3_1/license/', false),
  'llama3.2': llama('3.2', 'https://www.llama.com/llama3_2/license/', true),
  'llama3.3': llama('3.3', 'https://www.llama.com/llama3_3/license/', false),
  llama4: llama('4', 'https://www.llama.com/llama4/license/', true),
  gemma: {
    name: 'Gemma Terms of Use',
    category: 'restricted',
    commercialUse: true,
    conditions: [
      'Commercial use is allowed.',
      "Google's Gemma Prohibited Use Policy applies: no harmful, illegal, deceptive or sexually explicit uses, among others.",
      'Anyone you share it or a model built from it with must be bound by the same use restrictions, and get a copy of the terms.',
      'Modified files must say that you changed them.',
      'Google may restrict use that it believes breaks the terms.',
    ],
    url: 'https://ai.google.dev/gemma/terms',
  },
  qwen: {
    name: 'Qwen License',
    category: 'restricted',
    commercialUse: true,
    conditions: [
      'Commercial use is allowed, but a product or service with more than 100 million monthly active users needs a separate licence from Alibaba Cloud.',
      'A model built or improved with it (or its outputs) and shared must say "Built with Qwen" or "Improved using Qwen".',
      'Redistributions must include a copy of the licence.',
    ],
    url: 'https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE',
  },
  'qwen-research': nonCommercial('Qwen Research License', 'https://huggingface.co/Qwen/Qwen2.5-3B-Instruct/blob/main/LICENSE', [
    'Research and evaluation only: commercial use needs a separate licence from Alibaba Cloud.',
    'A model built with it and shared must say "Built with Qwen" or "Improved using Qwen".',
    'Redistributions must include a copy of the licence.',
  ]),
  deepseek: {
    name: 'DeepSeek License',
    category: 'restricted',
    commercialUse: true,
    conditions: [
      'Commercial use is allowed.',
      'Use restrictions apply (no military use, no harm to minors, no disinformation, among others), and they pass on to anyone you share it or a model built from it with.',
      'Redistributions must include a copy of the licence.',
    ],
    url: 'https://github.com/deepseek-ai/DeepSeek-LLM/blob/main/LICENSE-MODEL',
  },
  mrl: nonCommercial('Mistral AI Research License', 'https://mistral.ai/licenses/MRL-0.1.md', [
    'Research and personal use only: commercial use, including inside a company, needs a licence from Mistral AI.',
    'Redistributions must include a copy of the licence.',
  ]),
  mnpl: nonCommercial('Mistral AI Non-Production License', 'https://mistral.ai/licenses/MNPL-0.1.md', [
    'Testing, research and personal use only: no production or commercial use without a licence from Mistral AI.',
  ]),
  'cc-by-nc-4.0': nonCommercial('Creative Commons Attribution-NonCommercial 4.0', 'https://creativecommons.org/licenses/by-nc/4.0/', [
    CC_NC,
    CC_BY,
  ]),
  'cc-by-nc-sa-4.0': nonCommercial(
    'Creative Commons Attribution-NonCommercial-ShareAlike 4.0',
    'https://creativecommons.org/licenses/by-nc-sa/4.0/',
    [CC_NC, CC_BY, SHARE_ALIKE],
  ),
  'cc-by-nc-nd-4.0': nonCommercial(
    'Creative Commons Attribution-NonCommercial-NoDerivatives 4.0',
    'https://creativecommons.org/licenses/by-nc-nd/4.0/',
    [CC_NC, CC_BY, 'Do not share changed versions (fine-tunes included).'],
  ),
  'fair-noncommercial-research-license': nonCommercial('FAIR Noncommercial Research License', null, [
    'Non-commercial research only.',
    'Redistributions must include a copy of the licence.',
  ]),
  'apple-amlr': nonCommercial('Apple Machine Learning Research Model License', null, ['Non-commercial scientific research only.']),
};

/** Other names model cards use for the same licences (with `license: other` and a `license_name`). */
const ALIASES: Record<string, string> = {
  'tongyi-qianwen': 'qwen',
  'qwen-license': 'qwen',
  'tongyi-qianwen-research': 'qwen-research',
  'deepseek-license': 'deepseek',
  'mistral-research-license': 'mrl',
  'mistral-ai-research-license': 'mrl',
  'mistral-ai-non-production-license': 'mnpl',
  'llama-3.1': 'llama3.1',
  'llama-3.2': 'llama3.2',
  'llama-3.3': 'llama3.3',
  'gemma-terms-of-use': 'gemma',
};

const canonical = (name: string): string => ALIASES[name] ?? name;

const UNKNOWN: CardBody = {
  name: 'Unknown licence',
  category: 'unknown',
  commercialUse: null,
  conditions: ['The repository names no licence Hearth knows: read its licence before you use the model.'],
  url: null,
};

/** Families that publish their training data and code as well as their weights, matched on the repository name. */
const OPEN_SOURCE_FAMILIES: { match: (repo: string) => boolean; family: string; note: string }[] = [
  {
    match: (repo) => repo.toLowerCase().startsWith('allenai/') || /(^|[/_-])olmo/i.test(repo),
    family: 'OLMo',
    note: "AI2 publishes OLMo's training data (Dolma), training code, logs and checkpoints, not only the weights.",
  },
  {
    match: (repo) => /(^|[/_-])nomic-embed-text/i.test(repo),
    family: 'Nomic Embed',
    note: "Nomic publishes Nomic Embed's training data and training code, not only the weights.",
  },
];

export interface LicenceSource {
  /** The Hub's licence id: a `license:<id>` tag or the model card's `license`. */
  license?: string | null | undefined;
  /** The model card's `license_name`, which names the licence when the id is `other` (qwen, mrl, deepseek). */
  licenseName?: string | null | undefined;
  /** The model card's `license_link`, kept as the card's URL for an `other` licence Hearth does not know. */
  licenseLink?: string | null | undefined;
  /** "owner/name": a few families are open source by who publishes them, not by licence id. */
  repo?: string;
}

/** Hub licence ids Hearth has a card for. */
export const KNOWN_LICENCE_IDS: readonly string[] = Object.keys(CARDS);

/** The licence card for a Hub licence id (with `other`, the card's own name decides), never throwing. */
export function licenceCard(source: LicenceSource): LicenceCard {
  const id = canonical((source.license ?? '').trim().toLowerCase() || 'unknown');
  const named = canonical((source.licenseName ?? '').trim().toLowerCase());
  const key = id === 'other' && named && CARDS[named] ? named : id;
  const body = CARDS[key];
  let card: LicenceCard = body
    ? { id: key, ...body, conditions: [...body.conditions] }
    : {
        id,
        ...UNKNOWN,
        name: id === 'other' && named ? `Other licence: ${source.licenseName?.trim()}` : UNKNOWN.name,
        url: safeLink(source.licenseLink),
      };
  const family = source.repo ? OPEN_SOURCE_FAMILIES.find((f) => f.match(source.repo ?? '')) : undefined;
  // Only a permissive licence (or none given) becomes open source: a family never loosens stricter terms.
  if (family && (card.category === 'permissive' || card.id === 'unknown')) {
    const base = card.category === 'permissive' ? card : { ...card, ...CARDS['apache-2.0'], id: 'apache-2.0' };
    card = {
      ...base,
      name: `${base.name} (open source: open data and code)`,
      category: 'open-source',
      commercialUse: true,
      conditions: [family.note, ...base.conditions],
    };
  }
  return card;
}

/** A licence link from a model card is shown to the user: only an absolute http(s) URL is kept. */
function safeLink(link: string | null | undefined): string | null {
  if (!link) return null;
  try {
    const u = new URL(link);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}
