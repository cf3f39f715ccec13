import type { ApiLogEntry } from '../../../shared/api';

/** How a request's status reads in the log: its colour (a class) beside its words, never the colour alone. */
export type StatusTone = 'ok' | 'refused' | 'failed';

const PHRASES: Record<number, string> = {
  200: 'OK',
  204: 'No content',
  400: 'Bad request',
  401: 'No key or a wrong key',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  408: 'Timed out',
  413: 'Too large',
  415: 'Not JSON',
  429: 'Too many requests',
  499: 'Client went away',
  500: 'Server error',
  501: 'Not supported',
  503: 'Busy or unavailable',
};

/** `401 No key or a wrong key`: the number a tool prints, and what it means. */
export function statusLabel(status: number): string {
  const phrase = PHRASES[status] ?? (status < 300 ? 'OK' : status < 500 ? 'Refused' : 'Failed');
  return `${status} ${phrase}`;
}

/** 2xx answered; 4xx refused (the caller's request); 5xx failed (Hearth's side). */
export function statusTone(status: number): StatusTone {
  if (status < 400) return 'ok';
  return status < 500 ? 'refused' : 'failed';
}

/** `35 ms`, `1.2 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** `12 in, 30 out`; an embedding has only input tokens; a request that ran on no model has none (`—`). */
export function formatTokens(prompt: number | null, completion: number | null): string {
  const parts = [prompt !== null ? `${prompt} in` : null, completion !== null ? `${completion} out` : null].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : '—';
}

const pad = (n: number): string => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The local time of a request: `14:02:11` today, `3 Mar 14:02:11` before today. */
export function formatLogTime(at: number, now: number): string {
  const d = new Date(at);
  const today = new Date(now);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? time : `${d.getDate()} ${MONTHS[d.getMonth()]} ${time}`;
}

/** Main sends the newest first; a log merged from a refetch and a live event is kept that way all the same. */
export function newestFirst(entries: readonly ApiLogEntry[]): ApiLogEntry[] {
  return [...entries].sort((a, b) => b.at - a.at);
}

/** The key as the panel shows it until the user asks to see it: its last four characters, to tell keys apart. */
export function maskKey(key: string): string {
  return `${'•'.repeat(16)}${key.slice(-4)}`;
}
