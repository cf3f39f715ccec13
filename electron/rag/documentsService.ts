import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { AppError } from '../../shared/errors';
import type { DocumentView } from '../../shared/rag';
import { ConversationCollectionsRepo } from './ask/conversationCollectionsRepo';
import { type DocumentText, DocumentTexts } from './ask/documentTexts';
import { viewOf } from './ask/documentView';

export interface DocumentsOptions {
  db: Database.Database;
  /** Opens a file in the system's app for it, where the shell can (desktop). */
  openPath?: (path: string) => Promise<void>;
}

/** A conversation's collections, and the cited passage in its document (the viewer). */
export class DocumentsService {
  private readonly collections: ConversationCollectionsRepo;
  private readonly texts: DocumentTexts;

  constructor(private readonly o: DocumentsOptions) {
    this.collections = new ConversationCollectionsRepo(o.db);
    this.texts = new DocumentTexts(o.db);
  }

  collectionsOf(conversationId: string): { collectionIds: string[] } {
    return { collectionIds: this.collections.list(conversationId) };
  }

  /** The conversation's next answers search these collections (only ones that exist; none: it answers as a plain chat). */
  setCollections(conversationId: string, ids: string[]): { collectionIds: string[] } {
    return { collectionIds: this.collections.set(conversationId, ids) };
  }

  /** The page (PDF) or the text around a cited passage, with the passage marked. */
  view(documentId: string, charStart: number, charEnd: number): DocumentView {
    return viewOf(this.found(documentId), charStart, charEnd);
  }

  /** Opens the document in the system's app (desktop); elsewhere says where the file is. */
  async openExternal(documentId: string): Promise<void> {
    const doc = this.found(documentId);
    if (!this.o.openPath) {
      throw new AppError('UNSUPPORTED', `This window cannot open files on the computer. ${doc.fileName} is at ${doc.path}.`);
    }
    if (!existsSync(doc.path)) {
      throw new AppError('NOT_FOUND', `${doc.fileName} is no longer at ${doc.path}: it was moved or deleted since it was indexed.`);
    }
    await this.o.openPath(doc.path);
  }

  private found(documentId: string): DocumentText {
    const doc = this.texts.read(documentId);
    if (!doc) throw new AppError('NOT_FOUND', 'That document is no longer in any collection (it may have been removed or re-indexed).');
    return doc;
  }
}
