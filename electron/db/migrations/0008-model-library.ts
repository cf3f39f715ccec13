import type { Migration } from '../migrate';

/**
 * The model manager's tables.
 *
 * - `models`: one row per GGUF Hearth knows something about, keyed by its path (the first part of a split file):
 *   where it came from on the Hub (repo, revision, file), the SHA-256 it was checked against, its licence card
 *   (JSON, kept with the file), its per-model load settings (JSON, `ModelLoadSettings`), and the metadata the
 *   engine's inspect job read, cached with the size and modification time it was read at (a changed file is read
 *   again); a file the preflight refused keeps its reason in `meta_problem` the same way, so a broken file is not
 *   read on every listing. A file in the models folder without a row is still listed; the row is made the first
 *   time anything is remembered about it.
 * - `downloads`: the queue, so a download survives a restart and resumes from its partial file. `parts` is the
 *   JSON list of the files it fetches (`[{ remotePath, destPath, sha256, sizeBytes }]`); progress is never stored
 *   (the partial files' sizes are the truth).
 */
export const modelLibrary: Migration = {
  version: 8,
  name: 'model-library',
  up: (db) => {
    db.exec(`
      CREATE TABLE models (
        path TEXT PRIMARY KEY,
        hub_repo TEXT,
        hub_revision TEXT,
        hub_file TEXT,
        sha256 TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
        license_json TEXT CHECK (license_json IS NULL OR json_valid(license_json)),
        settings_json TEXT CHECK (settings_json IS NULL OR json_valid(settings_json)),
        meta_json TEXT CHECK (meta_json IS NULL OR json_valid(meta_json)),
        meta_problem TEXT,
        meta_size INTEGER,
        meta_mtime_ms REAL,
        added_at INTEGER NOT NULL
      ) STRICT;

      CREATE INDEX models_by_hub_file ON models(hub_repo, hub_file) WHERE hub_repo IS NOT NULL;

      CREATE TABLE downloads (
        id TEXT PRIMARY KEY,
        repo TEXT NOT NULL,
        revision TEXT NOT NULL,
        file TEXT NOT NULL,
        dest_path TEXT NOT NULL,
        parts_json TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'downloading', 'paused', 'verifying', 'done', 'failed', 'cancelled')),
        error TEXT,
        license_json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE INDEX downloads_by_status ON downloads(status);
    `);
  },
};
