import { type CodeLines, type LangName, tokenize } from './tokenize';

/** A request from the page: highlight `code` as `lang`. */
export interface HighlightRequest {
  id: number;
  code: string;
  lang: LangName;
}

/** The answer: the lines, or why there are none (the block then stays plain). */
export type HighlightResponse = { id: number; lines: CodeLines } | { id: number; error: string };

// A dedicated worker: shiki's first use of a grammar compiles its regular expressions (about 200 ms for
// TypeScript) and a long block takes tens of milliseconds, which would stall the page while an answer streams.
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<HighlightRequest>) => void) | null;
  postMessage(message: HighlightResponse): void;
};

scope.onmessage = (e) => {
  const { id, code, lang } = e.data;
  tokenize(code, lang).then(
    (lines) => scope.postMessage({ id, lines }),
    (err: unknown) => scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
  );
};
