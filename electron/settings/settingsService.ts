import type Database from 'better-sqlite3';
import { DEFAULT_SETTINGS, Settings } from '../../shared/types';

/**
 * Settings live as one JSON value per key. A value that no longer parses (an older or hand-edited
 * database) falls back to its default instead of breaking the app.
 */
export class SettingsService {
  private readonly readAll;
  private readonly upsert;
  private listeners = new Set<(s: Settings) => void>();

  constructor(private readonly db: Database.Database) {
    this.readAll = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
    this.upsert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }

  get(): Settings {
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    for (const { key, value } of this.readAll.all()) {
      if (!(key in DEFAULT_SETTINGS)) continue;
      try {
        const parsed = Settings.shape[key as keyof Settings].safeParse(JSON.parse(value));
        if (parsed.success) merged[key] = parsed.data;
      } catch {
        // unreadable value: keep the default
      }
    }
    return Settings.parse(merged);
  }

  update(patch: Partial<Settings>): Settings {
    const next = Settings.parse({ ...this.get(), ...patch });
    this.db.transaction(() => {
      for (const key of Object.keys(patch) as (keyof Settings)[]) this.upsert.run(key, JSON.stringify(next[key]));
    })();
    for (const l of this.listeners) l(next);
    return next;
  }

  onChange(listener: (s: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
