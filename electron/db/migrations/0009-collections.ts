import type { Migration } from '../migrate';

/**
 * Private document Q&A.
 *
 * - `collections`: a knowledge base; the embedding model its vectors were made with and their dimensions (NULL:
 *   keyword search only, or not embedded yet).
 * - `collection_sources`: the files and folders it covers; a watched folder re-indexes by itself.
 * - `documents`: one row per file found, with its content hash (a file whose hash did not change is never
 *   re-embedded), its status and the reason when it failed or was skipped, its extracted text and the offsets where
 *   each page starts (JSON, for the citation viewer), and the embedding model its chunks' vectors came from.
 *   `pending` and `indexing` rows are the ingestion's to-do list: it survives a restart.
 * - `chunks`: a document's passages, with character offsets into the extracted text, the page, the heading path
 *   and the token count; `chunks_fts` indexes their text (FTS5, kept by triggers). Vectors live in sqlite-vec
 *   tables made at run time per dimension count (`vec_chunks_<dims>`), keyed by the chunk's rowid, because a vec0
 *   table's dimensions are fixed and models differ.
 * - `conversation_collections`: the collections a conversation answers from.
 * - `messages.citations`: the passages an answer cited (JSON, `Citation[]`), NULL when none.
 */
export const collections: Migration = {
  version: 9,
  name: 'collections',
  up: (db) => {
    db.exec(`
      CREATE TABLE collections (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        embedding_model TEXT,
        dimensions INTEGER CHECK (dimensions IS NULL OR dimensions > 0),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE collection_sources (
        id TEXT PRIMARY KEY,
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('folder', 'file')),
        path TEXT NOT NULL,
        watch INTEGER NOT NULL CHECK (watch IN (0, 1)),
        added_at INTEGER NOT NULL,
        UNIQUE (collection_id, path)
      ) STRICT;

      CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        source_id TEXT NOT NULL REFERENCES collection_sources(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        content_hash TEXT,
        status TEXT NOT NULL CHECK (status IN ('pending', 'indexing', 'indexed', 'failed', 'skipped')),
        reason TEXT,
        text TEXT,
        pages_json TEXT CHECK (pages_json IS NULL OR json_valid(pages_json)),
        chunk_count INTEGER NOT NULL DEFAULT 0,
        embedded_with TEXT,
        updated_at INTEGER NOT NULL,
        UNIQUE (collection_id, path)
      ) STRICT;
      CREATE INDEX documents_by_status ON documents(collection_id, status);
      CREATE INDEX documents_by_source ON documents(source_id);

      CREATE TABLE chunks (
        id INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        collection_id TEXT NOT NULL,
        ord INTEGER NOT NULL,
        text TEXT NOT NULL,
        char_start INTEGER NOT NULL,
        char_end INTEGER NOT NULL,
        page INTEGER,
        heading_path TEXT,
        tokens INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX chunks_by_document ON chunks(document_id, ord);

      CREATE VIRTUAL TABLE chunks_fts USING fts5(text, content='chunks', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
      CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
        INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
      END;
      CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
        INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
      END;
      CREATE TRIGGER chunks_fts_update AFTER UPDATE OF text ON chunks BEGIN
        INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
      END;

      CREATE TABLE conversation_collections (
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
        PRIMARY KEY (conversation_id, collection_id)
      ) STRICT, WITHOUT ROWID;

      ALTER TABLE messages ADD COLUMN citations TEXT CHECK (citations IS NULL OR json_valid(citations));
    `);
  },
};
