import type Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';
import type { DocumentView } from '../../shared/rag';

export interface DocumentsOptions {
  db: Database.Database;
  /** Opens a file in the system's app for it, where the shell can (desktop). */
  openPath?: (path: string) => Promise<void>;
}

/** A conversation's collections, and the cited passage in its document (the viewer). */
export class DocumentsService {
  constructor(private readonly o: DocumentsOptions) {}

  collectionsOf(_conversationId: string): { collectionIds: string[] } {
    void this.o;
    return { collectionIds: [] };
  }

  setCollections(_conversationId: string, _ids: string[]): { collectionIds: string[] } {
    throw new AppError('UNSUPPORTED', 'Collections are not built yet.');
  }

  view(_documentId: string, _charStart: number, _charEnd: number): DocumentView {
    throw new AppError('UNSUPPORTED', 'The document viewer is not built yet.');
  }

  async openExternal(_documentId: string): Promise<void> {
    throw new AppError('UNSUPPORTED', 'Opening documents is not built yet.');
  }
}
