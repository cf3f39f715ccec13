import type Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';
import type { Citation, Passage } from '../../../shared/rag';
import type { Message } from '../../../shared/types';
import type { ChatTurn } from '../../inference/protocol';
import type { ChatGauge } from './chatGauge';
import { ConversationCollectionsRepo } from './conversationCollectionsRepo';
import { DocumentTexts } from './documentTexts';
import { keepWithin, passageBudget } from './passageBudget';
import { type PromptSources, type QuotedPassage, sourceBlock } from './sourcesPrompt';

/** Hybrid search over collections, best first (the retriever's `search`, through the collections service). */
export type SearchPassages = (collectionIds: string[], query: string, limit: number) => Promise<Passage[]>;

export interface AnswerSourcesOptions {
  db: Database.Database;
  search: SearchPassages;
  gauge: ChatGauge;
  /** Passages asked of the search; the context budget may keep fewer. */
  limit?: number;
  /**
   * A reranked passage scoring below this is not relevant. Fused (reciprocal rank) scores say only where a
   * passage ranked, not how well it matched, so they are never held to a floor: what keyword and vector search
   * return is what was found.
   */
  rerankFloor?: number;
}

/** What an answer is given from its conversation's collections, and the citations that numbering makes. */
export interface AnswerSourcing {
  sources: PromptSources;
  /** `[]` when nothing relevant was found (or nothing fit): the answer says so, and so does the UI. */
  citations: Citation[];
}

export interface SourcingRequest {
  conversationId: string;
  /** The path to the answer being written: its question is the last user message in it. */
  history: Message[];
  /** The answer being continued, whose citations (and so its numbering) are kept. */
  continuing: Message | null;
  /** The answer's token limit (0: none), which decides the room kept for it. */
  maxTokens: number;
  /** What the engine does with a chat longer than the context: drop the oldest messages, or refuse. */
  overflow: 'dropOldest' | 'stop';
  /** The turns the model would read with these sources, for the budget. */
  turnsWith: (sources: PromptSources) => ChatTurn[];
  signal: AbortSignal;
}

export const DEFAULT_PASSAGES = 8;
export const DEFAULT_RERANK_FLOOR = 0.1;
/** The newlines that join blocks, and a token boundary that may not fall the same way inside the whole prompt. */
const JOIN_TOKENS = 2;

/**
 * Finds the passages an answer draws on: searches the conversation's collections for its question, keeps the
 * relevant ones, drops the lowest-ranked until the rest fit in the chat model's context, and numbers them as the
 * answer will cite them.
 */
export class AnswerSources {
  private readonly collections: ConversationCollectionsRepo;
  private readonly documents: DocumentTexts;

  constructor(private readonly o: AnswerSourcesOptions) {
    this.collections = new ConversationCollectionsRepo(o.db);
    this.documents = new DocumentTexts(o.db);
  }

  /** The sources for an answer; null when its conversation answers from no collection (or it has no question). */
  async prepare(req: SourcingRequest): Promise<AnswerSourcing | null> {
    const cited = req.continuing?.citations;
    if (cited) {
      // The text so far cites these numbers: they stay as stored, even if fewer of them fit beside it now.
      const { sources } = await this.fit(req, this.restore(cited), cited);
      return { sources, citations: cited };
    }
    const ids = this.collections.list(req.conversationId);
    const question = req.history.findLast((m) => m.role === 'user')?.content.trim();
    if (ids.length === 0 || !question) return null;
    const found = await this.o.search(ids, question, this.o.limit ?? DEFAULT_PASSAGES);
    if (req.signal.aborted) throw new AppError('CANCELLED', 'Stopped.');
    const floor = this.o.rerankFloor ?? DEFAULT_RERANK_FLOOR;
    // Best first, whatever order the search kept (a stable sort leaves its ties as they were).
    const relevant = found
      .filter((p) => p.text.trim() && (!p.via.includes('rerank') || p.score >= floor))
      .sort((a, b) => b.score - a.score);
    return this.fit(
      req,
      relevant.map((p, i) => quote(p, i + 1)),
      relevant.map((p, i) => citationOf(p, i + 1)),
    );
  }

  /**
   * Keeps the passages that fit (best first) and their citations. Passages are numbered in rank order, so
   * dropping from the end never renumbers the ones kept.
   */
  private async fit(req: SourcingRequest, quoted: QuotedPassage[], citations: Citation[]): Promise<AnswerSourcing> {
    if (quoted.length === 0) return { sources: { passages: [], none: 'nothing-found' }, citations: [] };
    // The prompt without passages: the rules, the history and the question, with the (short) note in their place.
    const turns = req.turnsWith({ passages: [], none: 'nothing-found' });
    const base = await this.o.gauge.measure(turns, req.signal);
    const costs = (await this.o.gauge.count(quoted.map(sourceBlock), req.signal)).map((n) => n + JOIN_TOKENS);
    const wanted = costs.reduce((a, b) => a + b, 0);
    const budget = (essential?: number) =>
      passageBudget({
        contextSize: base.contextSize,
        used: base.tokens,
        maxTokens: req.maxTokens,
        ...(essential !== undefined ? { essential } : {}),
      });
    let allowed = budget();
    if (allowed < wanted && req.overflow === 'dropOldest' && turns.length > 2) {
      // A long chat: the oldest messages can leave the model's view to make room, so count without them.
      const question = turns.findLastIndex((t) => t.role === 'user');
      const essential = turns.filter((t, i) => t.role === 'system' || i >= question);
      allowed = budget((await this.o.gauge.measure(essential, req.signal)).tokens);
    }
    const n = keepWithin(costs, allowed);
    if (n === 0) return { sources: { passages: [], none: 'no-room' }, citations: [] };
    const kept = new Set(quoted.slice(0, n).map((q) => q.n));
    return { sources: { passages: quoted.slice(0, n), none: null }, citations: citations.filter((c) => kept.has(c.n)) };
  }

  /** A continued answer quotes the passages it cited, read again from the documents' text (the snippet if gone). */
  private restore(citations: Citation[]): QuotedPassage[] {
    return citations.map((c) => {
      const doc = this.documents.read(c.documentId);
      const text = doc?.text ? doc.text.slice(c.charStart, c.charEnd) : '';
      return { n: c.n, fileName: c.fileName, page: c.page, heading: c.heading, text: text.trim() ? text : c.snippet };
    });
  }
}

function quote(p: Passage, n: number): QuotedPassage {
  return { n, fileName: p.fileName, page: p.page, heading: p.heading, text: p.text };
}

function citationOf(p: Passage, n: number): Citation {
  return {
    n,
    documentId: p.documentId,
    collectionId: p.collectionId,
    path: p.path,
    fileName: p.fileName,
    page: p.page,
    heading: p.heading,
    snippet: p.snippet,
    charStart: p.charStart,
    charEnd: p.charEnd,
  };
}
