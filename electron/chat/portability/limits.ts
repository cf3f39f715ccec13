import { IMPORT_MAX_BYTES } from '../../../shared/contract';

/**
 * What an import may hold. Every imported file is untrusted: these bound the memory and time one file can take,
 * and anything over them is refused with the reason, before anything is written.
 */
export const LIMITS = {
  /** The file, in UTF-8 bytes. */
  bytes: IMPORT_MAX_BYTES,
  /** Messages written, every ChatGPT branch counted in full. */
  messages: 100_000,
  /** One message's text (chat:send takes 200,000; answers can be longer). */
  messageChars: 2_000_000,
  /** Nesting of arrays and objects in the JSON. Hearth's export nests 5 deep, ChatGPT's about 12. */
  depth: 64,
  /** ChatGPT nodes visited while following branches, skipped ones included. */
  nodeVisits: 2_000_000,
  /** Timestamps in ms: year 2286 at most. */
  maxTime: 10_000_000_000_000,
  /** Titles longer than this are cut (rename takes 200). */
  titleChars: 200,
} as const;

/** True when `text` (JSON) nests arrays and objects deeper than `max`: checked before JSON.parse builds anything. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** The sentence for a file over the size limit. */
export const TOO_LARGE = `This file is larger than ${LIMITS.bytes / 1024 / 1024} MB, the most Hearth imports at once. Nothing was imported.`;
