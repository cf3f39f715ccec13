import type Database from 'better-sqlite3';
import { basename } from 'node:path';
import { z } from 'zod';
import type { CollectionDocument } from '../../../shared/rag';
import type { ExtractedPage } from '../ports';

/** A document's extracted text, as the viewer and a continued answer read it. */
export interface DocumentText {
  id: string;
  collectionId: string;
  path: string;
  fileName: string;
  status: CollectionDocument['status'];
  reason: string | null;
  /** null until it is indexed (or when it failed or was skipped). */
  text: string | null;
  /** Where each page starts in `text` (PDF); null for documents without pages. */
  pages: ExtractedPage[] | null;
}

interface Row {
  id: string;
  collection_id: string;
  path: string;
  status: CollectionDocument['status'];
  reason: string | null;
  text: string | null;
  pages_json: string | null;
}

// The ingestion writes pages_json; it is read back through a schema all the same, so a bad row reads as "no pages".
const Pages = z.array(z.object({ page: z.number().int().positive(), start: z.number().int().nonnegative() }));

function pagesOf(json: string | null): ExtractedPage[] | null {
  if (json === null) return null;
  try {
    const parsed = Pages.safeParse(JSON.parse(json));
    return parsed.success && parsed.data.length > 0 ? [...parsed.data].sort((a, b) => a.start - b.start) : null;
  } catch {
    return null;
  }
}

/** Reads documents' text for the citation viewer and for continuing an answer with the passages it cited. */
export class DocumentTexts {
  private readonly get;

  constructor(db: Database.Database) {
    this.get = db.prepare<[string], Row>('SELECT id, collection_id, path, status, reason, text, pages_json FROM documents WHERE id = ?');
  }

  read(documentId: string): DocumentText | null {
    const r = this.get.get(documentId);
    if (!r) return null;
    return {
      id: r.id,
      collectionId: r.collection_id,
      path: r.path,
      fileName: basename(r.path),
      status: r.status,
      reason: r.reason,
      text: r.text,
      pages: pagesOf(r.pages_json),
    };
  }
}
