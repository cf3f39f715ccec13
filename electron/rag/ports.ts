/** The seams between document Q&A's parts, so each can be built and tested on its own. */

/** Where page `page` (1-based) starts in the extracted text. */
export interface ExtractedPage {
  page: number;
  start: number;
}

/** A heading and where it starts in the extracted text. */
export interface ExtractedHeading {
  level: number;
  title: string;
  start: number;
}

export interface ExtractedText {
  text: string;
  /** Paged formats (PDF) only; null otherwise. */
  pages: ExtractedPage[] | null;
  headings: ExtractedHeading[];
}

/** A file's text, or why there is none: `failed` (encrypted, corrupt, no text) or `skipped` (too big, not a document). */
export type Extraction = { ok: true; value: ExtractedText } | { ok: false; status: 'failed' | 'skipped'; reason: string };

/** A passage of a document, before it is stored. */
export interface ChunkDraft {
  ord: number;
  text: string;
  charStart: number;
  charEnd: number;
  page: number | null;
  /** "Chapter 2 > Setup", or null. */
  headingPath: string | null;
  tokens: number;
}
