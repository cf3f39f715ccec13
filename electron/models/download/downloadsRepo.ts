import type Database from 'better-sqlite3';
import { z } from 'zod';
import { DownloadStatus, LicenceCard } from '../../../shared/models';
import { logWarn } from '../../lib/log';

/**
 * One file of a download as stored in `downloads.parts_json`. `url` rides along with the documented fields so a
 * restart fetches from the same Hub address, pinned to the same revision, without listing the repository again.
 */
export const StoredPart = z.object({
  remotePath: z.string().min(1),
  destPath: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().nonnegative(),
  url: z.string().regex(/^https?:\/\//),
});
export type StoredPart = z.infer<typeof StoredPart>;

/** What the queue remembers of a download; progress is not stored (the partial files' sizes are the truth). */
export interface DownloadRecord {
  id: string;
  repo: string;
  revision: string;
  file: string;
  destPath: string;
  parts: StoredPart[];
  status: DownloadStatus;
  error: string | null;
  license: LicenceCard;
  createdAt: number;
}

interface DownloadRow {
  id: string;
  repo: string;
  revision: string;
  file: string;
  dest_path: string;
  parts_json: string;
  status: string;
  error: string | null;
  license_json: string;
  created_at: number;
  updated_at: number;
}

const jsonOf = <T extends z.ZodType>(schema: T, text: string): z.infer<T> | null => {
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
};

function toRecord(r: DownloadRow): DownloadRecord | null {
  const parts = jsonOf(z.array(StoredPart).min(1), r.parts_json);
  const license = jsonOf(LicenceCard, r.license_json);
  const status = DownloadStatus.safeParse(r.status);
  if (!parts || !license || !status.success) return null;
  return {
    id: r.id,
    repo: r.repo,
    revision: r.revision,
    file: r.file,
    destPath: r.dest_path,
    parts,
    status: status.data,
    error: r.error,
    license,
    createdAt: r.created_at,
  };
}

/** The only place `downloads` rows meet camelCase. */
export class DownloadsRepo {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      all: db.prepare<[], DownloadRow>('SELECT * FROM downloads ORDER BY created_at, rowid'),
      insert: db.prepare(
        `INSERT INTO downloads (id, repo, revision, file, dest_path, parts_json, status, error, license_json, created_at, updated_at)
         VALUES (@id, @repo, @revision, @file, @destPath, @partsJson, @status, @error, @licenseJson, @createdAt, @createdAt)`,
      ),
      setStatus: db.prepare('UPDATE downloads SET status = ?, error = ?, updated_at = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM downloads WHERE id = ?'),
    };
  }

  /** Every download, oldest first. A row that no longer reads (edited by hand) is left alone and logged. */
  all(): DownloadRecord[] {
    const out: DownloadRecord[] = [];
    for (const row of this.stmts.all.all()) {
      const record = toRecord(row);
      if (record) out.push(record);
      else logWarn(`download ${row.id} could not be read from the database and is skipped`);
    }
    return out;
  }

  insert(r: DownloadRecord): void {
    this.stmts.insert.run({
      id: r.id,
      repo: r.repo,
      revision: r.revision,
      file: r.file,
      destPath: r.destPath,
      partsJson: JSON.stringify(r.parts),
      status: r.status,
      error: r.error,
      licenseJson: JSON.stringify(r.license),
      createdAt: r.createdAt,
    });
  }

  setStatus(id: string, status: DownloadStatus, error: string | null, now: number): void {
    this.stmts.setStatus.run(status, error, now, id);
  }

  remove(id: string): void {
    this.stmts.remove.run(id);
  }
}
