import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { LicenceCard, ModelLoadSettings, ModelMeta } from '../../../shared/models';

interface ModelRow {
  path: string;
  hub_repo: string | null;
  hub_revision: string | null;
  hub_file: string | null;
  sha256: string | null;
  license_json: string | null;
  settings_json: string | null;
  meta_json: string | null;
  meta_problem: string | null;
  meta_size: number | null;
  meta_mtime_ms: number | null;
  added_at: number;
}

/** What the engine's inspect job said about a file, and the size and modification time it said it for. */
export interface CachedMeta {
  meta: ModelMeta | null;
  /** The preflight's reason for refusing the file, or null. */
  problem: string | null;
  size: number;
  mtimeMs: number;
}

/** Everything Hearth remembers about one model file (the first part, for a split GGUF). */
export interface ModelRecord {
  path: string;
  hub: { repo: string; revision: string; file: string } | null;
  sha256: string | null;
  license: LicenceCard | null;
  /** null: never changed (the defaults apply). */
  settings: ModelLoadSettings | null;
  meta: CachedMeta | null;
  addedAt: number;
}

/** A JSON column read back through its schema: a value an older build wrote in another shape reads as absent. */
function parseJson<T>(schema: z.ZodType<T>, text: string | null): T | null {
  if (text === null) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const toRecord = (r: ModelRow): ModelRecord => ({
  path: r.path,
  hub:
    r.hub_repo !== null && r.hub_revision !== null && r.hub_file !== null
      ? { repo: r.hub_repo, revision: r.hub_revision, file: r.hub_file }
      : null,
  sha256: r.sha256,
  license: parseJson(LicenceCard, r.license_json),
  settings: parseJson(ModelLoadSettings, r.settings_json),
  meta:
    r.meta_size !== null && r.meta_mtime_ms !== null
      ? { meta: parseJson(ModelMeta, r.meta_json), problem: r.meta_problem, size: r.meta_size, mtimeMs: r.meta_mtime_ms }
      : null,
  addedAt: r.added_at,
});

/** The only place `models` rows meet camelCase. A row is made the first time anything is remembered about a file. */
export class ModelsRepo {
  private readonly stmts;

  constructor(
    db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    this.stmts = {
      get: db.prepare<[string], ModelRow>('SELECT * FROM models WHERE path = ?'),
      all: db.prepare<[], ModelRow>('SELECT * FROM models'),
      byHubFile: db.prepare<[string, string], ModelRow>('SELECT * FROM models WHERE hub_repo = ? AND hub_file = ?'),
      saveMeta: db.prepare(
        `INSERT INTO models (path, meta_json, meta_problem, meta_size, meta_mtime_ms, added_at)
         VALUES (@path, @metaJson, @problem, @size, @mtimeMs, @now)
         ON CONFLICT(path) DO UPDATE SET meta_json = excluded.meta_json, meta_problem = excluded.meta_problem,
           meta_size = excluded.meta_size, meta_mtime_ms = excluded.meta_mtime_ms`,
      ),
      saveSettings: db.prepare(
        `INSERT INTO models (path, settings_json, added_at) VALUES (@path, @settingsJson, @now)
         ON CONFLICT(path) DO UPDATE SET settings_json = excluded.settings_json`,
      ),
      saveDownload: db.prepare(
        `INSERT INTO models (path, hub_repo, hub_revision, hub_file, sha256, license_json, added_at)
         VALUES (@path, @repo, @revision, @file, @sha256, @licenseJson, @now)
         ON CONFLICT(path) DO UPDATE SET hub_repo = excluded.hub_repo, hub_revision = excluded.hub_revision,
           hub_file = excluded.hub_file, sha256 = excluded.sha256, license_json = excluded.license_json`,
      ),
      remove: db.prepare('DELETE FROM models WHERE path = ?'),
    };
  }

  get(path: string): ModelRecord | null {
    const r = this.stmts.get.get(path);
    return r ? toRecord(r) : null;
  }

  all(): ModelRecord[] {
    return this.stmts.all.all().map(toRecord);
  }

  /** The files downloaded from one repository file (normally one; another models folder may hold a second). */
  byHubFile(repo: string, file: string): ModelRecord[] {
    return this.stmts.byHubFile.all(repo, file).map(toRecord);
  }

  saveMeta(path: string, m: CachedMeta): void {
    this.stmts.saveMeta.run({
      path,
      metaJson: m.meta ? JSON.stringify(m.meta) : null,
      problem: m.problem,
      size: m.size,
      mtimeMs: m.mtimeMs,
      now: this.now(),
    });
  }

  saveSettings(path: string, settings: ModelLoadSettings): void {
    this.stmts.saveSettings.run({ path, settingsJson: JSON.stringify(settings), now: this.now() });
  }

  saveDownload(path: string, d: { repo: string; revision: string; file: string; sha256: string; license: LicenceCard }): void {
    this.stmts.saveDownload.run({
      path,
      repo: d.repo,
      revision: d.revision,
      file: d.file,
      sha256: d.sha256.toLowerCase(),
      licenseJson: JSON.stringify(d.license),
      now: this.now(),
    });
  }

  remove(path: string): void {
    this.stmts.remove.run(path);
  }
}
