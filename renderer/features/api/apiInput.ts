import { Origin } from '../../../shared/api';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** The port field's text as a port, or why it is not one. */
export function parsePort(text: string): Parsed<number> {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { ok: false, error: 'A port is a whole number from 1 to 65535.' };
  const n = Number(t);
  if (n < 1 || n > 65535) return { ok: false, error: 'A port is a whole number from 1 to 65535.' };
  return { ok: true, value: n };
}

/**
 * What the user typed or pasted as the origin a browser sends: scheme, host and port. A pasted address loses a
 * trailing slash and its default port as the browser's Origin header does; a path, query or login is refused rather
 * than dropped, since the user may have meant something else.
 */
export function normalizeOrigin(text: string): Parsed<string> {
  const t = text.trim();
  if (!t) return { ok: false, error: 'Type an origin, like https://app.example.' };
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    return { ok: false, error: `${t} is not an address. An origin looks like https://app.example or http://localhost:3000.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: 'An origin starts with http:// or https://.' };
  if (url.username || url.password) return { ok: false, error: 'An origin has no user name or password in it.' };
  if (url.pathname !== '/' || url.search || url.hash) {
    return { ok: false, error: `An origin has no path: use ${url.origin}, without what follows.` };
  }
  const checked = Origin.safeParse(url.origin);
  if (!checked.success) return { ok: false, error: checked.error.issues[0]?.message ?? 'That is not an origin.' };
  return { ok: true, value: checked.data };
}

/** The most origins the server keeps (api:configure's limit). */
export const MAX_ORIGINS = 20;

/** The list with the typed origin added, or why it cannot be. */
export function addOrigin(list: readonly string[], text: string): Parsed<string[]> {
  const origin = normalizeOrigin(text);
  if (!origin.ok) return origin;
  if (list.includes(origin.value)) return { ok: false, error: `${origin.value} is already allowed.` };
  if (list.length >= MAX_ORIGINS) return { ok: false, error: `At most ${MAX_ORIGINS} origins can be allowed. Remove one first.` };
  return { ok: true, value: [...list, origin.value] };
}
