import { SEARCH_MARK_END, SEARCH_MARK_START } from '../../../shared/types';

/**
 * Splits a search snippet on main's private-use marks into plain text and marked text. Everything stays text: the
 * snippet is never read as HTML, so a message that contains markup shows it as typed.
 */
export function splitMarks(snippet: string): { text: string; match: boolean }[] {
  const out: { text: string; match: boolean }[] = [];
  for (const [i, piece] of snippet.split(SEARCH_MARK_START).entries()) {
    const [marked, rest] = i === 0 ? [null, piece.replaceAll(SEARCH_MARK_END, '')] : splitOnce(piece, SEARCH_MARK_END);
    if (marked) out.push({ text: marked, match: true });
    if (rest) out.push({ text: rest, match: false });
  }
  return out;
}

function splitOnce(s: string, sep: string): [string, string] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, ''] : [s.slice(0, at), s.slice(at + sep.length).replaceAll(sep, '')];
}

/** A snippet with its matched terms in <mark>. */
export function Highlighted({ snippet }: { snippet: string }) {
  return <>{splitMarks(snippet).map((p, i) => (p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}</>;
}
