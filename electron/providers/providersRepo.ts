import type Database from 'better-sqlite3';
import { z } from 'zod';
import { ProviderModel } from '../../shared/api';

interface ProviderRow {
  id: string;
  name: string;
  base_url: string;
  enabled: number;
  models: string;
  created_at: number;
  updated_at: number;
}

/** A provider as the table holds it: everything but whether a key is stored (the secret store knows that). */
export interface ProviderRecord {
  id: string;
  name: string;
  baseUrl: string;
  enabled: boolean;
  models: ProviderModel[];
  createdAt: number;
  updatedAt: number;
}

const Models = z.array(ProviderModel);

/**
 * The models column is JSON written by this module, but the file is the user's: a value edited into something
 * else reads as no models rather than breaking the list.
 */
function modelsOf(json: string): ProviderModel[] {
  try {
    const r = Models.safeParse(JSON.parse(json));
    return r.success ? r.data : [];
  } catch {
    return [];
  }
}

const toRecord = (r: ProviderRow): ProviderRecord => ({
  id: r.id,
  name: r.name,
  baseUrl: r.base_url,
  enabled: r.enabled === 1,
  models: modelsOf(r.models),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The only place provider rows meet camelCase. Keys are never in this table. */
export class ProvidersRepo {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      list: db.prepare<[], ProviderRow>('SELECT * FROM providers ORDER BY name COLLATE NOCASE, created_at'),
      get: db.prepare<[string], ProviderRow>('SELECT * FROM providers WHERE id = ?'),
      insert: db.prepare(
        `INSERT INTO providers (id, name, base_url, enabled, models, created_at, updated_at)
         VALUES (@id, @name, @baseUrl, @enabled, @models, @createdAt, @updatedAt)`,
      ),
      update: db.prepare(
        `UPDATE providers SET name = @name, base_url = @baseUrl, enabled = @enabled, models = @models, updated_at = @updatedAt
         WHERE id = @id`,
      ),
      remove: db.prepare<[string]>('DELETE FROM providers WHERE id = ?'),
    };
  }

  list(): ProviderRecord[] {
    return this.stmts.list.all().map(toRecord);
  }

  get(id: string): ProviderRecord | null {
    const r = this.stmts.get.get(id);
    return r ? toRecord(r) : null;
  }

  insert(p: ProviderRecord): void {
    this.stmts.insert.run(params(p));
  }

  update(p: ProviderRecord): void {
    this.stmts.update.run(params(p));
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }
}

const params = (p: ProviderRecord) => ({
  id: p.id,
  name: p.name,
  baseUrl: p.baseUrl,
  enabled: p.enabled ? 1 : 0,
  models: JSON.stringify(p.models),
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});
