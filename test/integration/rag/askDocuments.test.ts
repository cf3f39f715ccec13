import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../../electron/api/backend';
import type { DocumentView } from '../../../shared/rag';
import { callHandler, type Seen, startBackend } from '../../helpers/backend';
import { tempDir } from '../../helpers/fixtures';
import { type SeedDocument, seedCollection } from '../../unit/rag/ask/seedDocuments';

let dir: string;
let cleanup: () => void;
let backend: Backend | null = null;
let docs: string;

const pages = ['Cover.\n', 'Chapter one: the glaze recipe.\n', 'Chapter two: the kiln reaches 1,280 degrees.\n'];
const manual = (): SeedDocument => ({
  id: 'doc-manual',
  path: join(docs, 'manual.pdf'),
  text: pages.join(''),
  pages: pages.map((_, i) => ({ page: i + 1, start: pages.slice(0, i).join('').length })),
});
const notes = (): SeedDocument => ({
  id: 'doc-notes',
  path: join(docs, 'notes.md'),
  text: '# Notes\n\nCones bend when the heat is right.\n',
});

/** The backend as the headless server builds it, with a collection written into its database as an ingestion leaves one. */
async function start(extra: Parameters<typeof startBackend>[2] = {}): Promise<Backend> {
  backend = startBackend(dir, [] as Seen, extra);
  // Seeded after the collections service started, so no scan of the folder runs over these rows.
  const db = new Database(join(dir, 'data', 'hearth.db'));
  seedCollection(db, { id: 'col-pottery', name: 'Pottery', documents: [manual(), notes()] });
  seedCollection(db, { id: 'col-other', name: 'Other', documents: [] });
  db.close();
  return backend;
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  docs = join(dir, 'docs');
  mkdirSync(docs);
  writeFileSync(join(docs, 'manual.pdf'), 'not really a pdf: the file only has to be there');
  writeFileSync(join(docs, 'notes.md'), notes().text);
});
afterEach(async () => {
  await backend?.dispose(2000);
  backend = null;
  cleanup();
});

describe('attaching collections to a conversation, over the handler table', () => {
  it('keeps the collections a conversation answers from, and only collections that exist', async () => {
    const b = await start();
    const { id } = await callHandler<{ id: string }>(b, 'conversations:create');
    expect(await callHandler(b, 'conversations:collections', { id })).toEqual({ collectionIds: [] });
    expect(await callHandler(b, 'conversations:setCollections', { id, collectionIds: ['col-pottery', 'col-other'] })).toEqual({
      collectionIds: ['col-other', 'col-pottery'],
    });
    await expect(callHandler(b, 'conversations:setCollections', { id, collectionIds: ['col-pottery', 'col-gone'] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await callHandler(b, 'conversations:collections', { id })).toEqual({ collectionIds: ['col-other', 'col-pottery'] });
    await expect(callHandler(b, 'conversations:setCollections', { id: 'no-such-chat', collectionIds: [] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(callHandler(b, 'conversations:setCollections', { id, collectionIds: [''] })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(await callHandler(b, 'conversations:setCollections', { id, collectionIds: [] })).toEqual({ collectionIds: [] });
  });
});

describe('the citation viewer and opening the file, over the handler table', () => {
  it('returns the page of a PDF a passage is on, with the passage marked', async () => {
    const b = await start();
    const text = manual().text;
    const at = text.indexOf('1,280 degrees');
    const v = await callHandler<DocumentView>(b, 'documents:view', { documentId: 'doc-manual', charStart: at, charEnd: at + 13 });
    expect(v).toEqual({
      documentId: 'doc-manual',
      path: join(docs, 'manual.pdf'),
      fileName: 'manual.pdf',
      page: 3,
      pages: 3,
      text: 'Chapter two: the kiln reaches 1,280 degrees.\n',
      highlight: { start: 30, end: 43 },
    });
  });

  it('returns the text around a passage of a document without pages, and refuses a document that is not there', async () => {
    const b = await start();
    const v = await callHandler<DocumentView>(b, 'documents:view', { documentId: 'doc-notes', charStart: 9, charEnd: 14 });
    expect(v).toMatchObject({ fileName: 'notes.md', page: null, pages: null, text: notes().text });
    expect(v.text.slice(v.highlight.start, v.highlight.end)).toBe('Cones');
    await expect(callHandler(b, 'documents:view', { documentId: 'nope', charStart: 0, charEnd: 1 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(callHandler(b, 'documents:view', { documentId: 'doc-notes', charStart: -1, charEnd: 1 })).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
  });

  it('says where the file is when the window cannot open files (headless)', async () => {
    const b = await start();
    await expect(callHandler(b, 'documents:openExternal', { documentId: 'doc-manual' })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: `This window cannot open files on the computer. manual.pdf is at ${join(docs, 'manual.pdf')}.`,
    });
  });

  it("opens the file in the system's app where the shell can, and says when it has gone", async () => {
    const opened: string[] = [];
    const b = await start({ openPath: async (p) => void opened.push(p) });
    await callHandler(b, 'documents:openExternal', { documentId: 'doc-notes' });
    expect(opened).toEqual([join(docs, 'notes.md')]);
    const db = new Database(join(dir, 'data', 'hearth.db'));
    db.prepare("UPDATE documents SET path = ? WHERE id = 'doc-manual'").run(join(docs, 'moved.pdf'));
    db.close();
    await expect(callHandler(b, 'documents:openExternal', { documentId: 'doc-manual' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/moved\.pdf: it was moved or deleted/),
    });
    expect(opened).toHaveLength(1);
  });
});
