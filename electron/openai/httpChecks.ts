/**
 * The checks every API request passes before an endpoint sees it, besides the Host allow-list and the key compare
 * it shares with the headless server (lib/loopbackGuards.ts): the browser origin, CORS, the bearer header. Pure
 * functions over header values, so each is tested alone.
 */

export type OriginVerdict =
  /** No Origin header: not a browser's cross-origin request (curl, an editor, the openai client in Node). */
  { kind: 'none' } | { kind: 'allowed'; origin: string } | { kind: 'refused' };

/** Browsers send Origin on cross-origin requests; only the origins the user listed may call. `null` never may. */
export function originVerdict(origin: string | undefined, allowed: () => readonly string[]): OriginVerdict {
  if (origin === undefined) return { kind: 'none' };
  // Scheme and host are case-insensitive; browsers send them in lower case, a user may have typed them otherwise.
  const wanted = origin.toLowerCase();
  return allowed().some((o) => o.toLowerCase() === wanted) ? { kind: 'allowed', origin } : { kind: 'refused' };
}

/** The headers that let an allowed origin read the answer. Never sent for any other origin. */
export function corsHeaders(origin: string): Record<string, string> {
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
}

/**
 * The answer to an allowed origin's preflight. The official openai client also sends its `x-stainless-*`
 * telemetry headers from a browser, so those are allowed when asked for; nothing else beyond the two it needs.
 */
export function preflightHeaders(origin: string, requestedHeaders: string | undefined): Record<string, string> {
  const extra = (requestedHeaders ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => /^x-stainless-[a-z0-9-]{1,60}$/.test(h));
  return {
    ...corsHeaders(origin),
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': ['Authorization', 'Content-Type', ...new Set(extra)].join(', '),
    'Access-Control-Max-Age': '600',
  };
}

/** The key in `Authorization: Bearer <key>`, or null when there is none. */
export function bearerKey(authorization: string | undefined): string | null {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  return m ? m[1]! : null;
}
