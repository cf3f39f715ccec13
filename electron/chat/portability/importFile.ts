import type { z } from 'zod';
import { AppError } from '../../../shared/errors';
import type { MessageStats } from '../../../shared/types';
import { EMPTY_STATS } from '../messagesRepo';
import { ChatGptExport, fromChatGpt, ImportBudget } from './chatgptFormat';
import { HEARTH_FORMAT, HEARTH_VERSION, HearthExport } from './hearthFormat';
import type { ImportedConversation } from './importedConversation';
import { LIMITS, nestsDeeperThan, TOO_LARGE } from './limits';

export interface ParsedImport {
  format: 'hearth' | 'chatgpt';
  conversations: ImportedConversation[];
  /** Messages in the file that are not imported (tool traffic, hidden, empty or non-text). */
  skipped: number;
}

const bad = (message: string): AppError => new AppError('BAD_INPUT', `${message} Nothing was imported.`);

/** Where a file first departs from its schema, in words. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  return `${where}: ${issue?.message ?? 'does not match'}`;
}

/** Lone UTF-16 surrogates become U+FFFD, as chat:send makes them: SQLite would, and the round trip must agree. */
const wellFormed = (s: string): string => s.replace(/\p{Cs}/gu, '\uFFFD');
const title = (s: string): string => wellFormed(s.replace(/\s+/g, ' ').trim()).slice(0, LIMITS.titleChars).trim() || 'Imported chat';

/** The stats a file gives, missing fields null; null when it gives none. */
function fullStats(given: { [K in keyof MessageStats]?: MessageStats[K] | undefined }): MessageStats | null {
  const stats: Record<string, unknown> = { ...EMPTY_STATS };
  let any = false;
  for (const key of Object.keys(EMPTY_STATS) as (keyof MessageStats)[]) {
    if (given[key] == null) continue;
    stats[key] = given[key];
    any = true;
  }
  return any ? (stats as MessageStats) : null;
}

/**
 * Reads an import file: a Hearth export (any version up to this one) or ChatGPT's `conversations.json`. The file is
 * untrusted: its size, its nesting and its message count are capped, and it must match its schema in full. Throws
 * BAD_INPUT with a reason a person can act on; returns only what can be written whole.
 */
export function parseImportFile(text: string, now: number): ParsedImport {
  if (Buffer.byteLength(text, 'utf8') > LIMITS.bytes) throw new AppError('BAD_INPUT', TOO_LARGE);
  if (nestsDeeperThan(text, LIMITS.depth))
    throw bad(`This file nests deeper than ${LIMITS.depth} levels, which neither Hearth's nor ChatGPT's exports do.`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw bad(
      `This file is not JSON (${error instanceof Error ? error.message : String(error)}). Choose a Hearth export (.json) or ChatGPT's conversations.json.`,
    );
  }

  let parsed: ParsedImport;
  if (Array.isArray(data)) {
    const r = ChatGptExport.safeParse(data);
    if (!r.success) throw bad(`This does not look like ChatGPT's conversations.json${firstIssue(r.error)}.`);
    const budget = new ImportBudget();
    parsed = { format: 'chatgpt', ...fromChatGpt(r.data, budget, now) };
  } else if (data && typeof data === 'object' && (data as { format?: unknown }).format === HEARTH_FORMAT) {
    const version = (data as { version?: unknown }).version;
    if (typeof version === 'number' && version > HEARTH_VERSION) {
      throw bad(`This export was written by a newer Hearth (format version ${version}); this one reads up to version ${HEARTH_VERSION}.`);
    }
    const r = HearthExport.safeParse(data);
    if (!r.success) throw bad(`This Hearth export is damaged${firstIssue(r.error)}.`);
    const budget = new ImportBudget();
    budget.add(r.data.conversations.reduce((n, c) => n + c.messages.length, 0));
    parsed = {
      format: 'hearth',
      skipped: 0,
      conversations: r.data.conversations.map((c) => ({
        title: c.title,
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
        pinned: c.pinned,
        isBranch: false,
        messages: c.messages.map((m) => ({
          ...m,
          status: m.status === 'streaming' ? 'stopped' : m.status,
          stats: fullStats(m.stats),
        })),
      })),
    };
  } else {
    throw bad("This file is neither a Hearth export nor ChatGPT's conversations.json.");
  }
  if (parsed.conversations.length === 0) throw bad('This file holds no conversations to import.');
  for (const c of parsed.conversations) {
    c.title = title(c.title);
    for (const m of c.messages) {
      m.content = wellFormed(m.content);
      if (m.error !== null) m.error = wellFormed(m.error);
      if (m.model !== null) m.model = wellFormed(m.model);
      m.thoughts = wellFormed(m.thoughts);
    }
  }
  return parsed;
}
