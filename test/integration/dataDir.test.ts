import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/db/open';
import { HEADLESS_PATH, tempDir } from '../helpers/fixtures';
import { startServe, wsClient, type RunningServer } from '../helpers/headlessProcess';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function serve(dataDir: string, modelsDir: string): Promise<RunningServer> {
  const server = await startServe(['--port', '0', '--data-dir', dataDir, '--models-dir', modelsDir, '--gpu', 'off']);
  cleanups.push(() => server.stop());
  return server;
}

function folders(): { data: string; models: string } {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return { data: join(t.dir, 'data'), models: join(t.dir, 'models') };
}

/** Runs the built server to its end: for a start that must fail. */
function runToExit(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [HEADLESS_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b: Buffer) => {
    output += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    output += b.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

describe('the data folder', () => {
  it('belongs to one server: a second one on it exits with a message naming the folder and the first, which keeps serving', async () => {
    const { data, models } = folders();
    const first = await serve(data, models);
    const client = await wsClient(first.port, first.token);
    const conversation = await client.call<{ id: string }>('conversations:create');

    const second = await runToExit(['--port', '0', '--data-dir', data, '--models-dir', models, '--gpu', 'off']);

    expect(second.code).toBe(1);
    expect(second.output).toContain(`Hearth could not start: Another Hearth (process ${first.child.pid}, started `);
    expect(second.output).toContain(`is already using the data folder ${data}.`);
    expect(second.output).not.toContain('Hearth is running at');
    expect(await client.call<{ id: string }[]>('conversations:list')).toEqual([expect.objectContaining({ id: conversation.id })]);
    client.close();
    expect(JSON.parse(readFileSync(join(data, 'hearth.lock'), 'utf8')).pid).toBe(first.child.pid);
    await first.stop();
    expect(existsSync(join(data, 'hearth.lock'))).toBe(false);
  });

  it('with a damaged database: the server starts, keeps what it could read, and tells the user where the old file is', async () => {
    const { data, models } = folders();
    const file = join(data, 'hearth.db');
    const { db } = openDatabase(file);
    db.prepare("INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('c1', 'Kept chat', 1, 1)").run();
    const insert = db.prepare(
      "INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at) VALUES (?, 'c1', ?, 'user', ?, 'complete', 1)",
    );
    for (let i = 0; i < 200; i++) insert.run(`m${i}`, i, `message ${i} ${'lorem ipsum '.repeat(30)}`);
    db.close();
    const stats = new Database(file, { readonly: true });
    const pages = stats
      .prepare<[], { pageno: number; ncell: number }>(
        "SELECT pageno, ncell FROM dbstat WHERE name = 'messages' AND pagetype = 'leaf' ORDER BY path",
      )
      .all();
    stats.close();
    const hit = pages.slice(2, 4);
    const fd = openSync(file, 'r+');
    for (const p of hit) writeSync(fd, Buffer.alloc(4096, 0x41), 0, 4096, (p.pageno - 1) * 4096);
    closeSync(fd);
    const damaged = readFileSync(file);

    const server = await serve(data, models);
    const client = await wsClient(server.port, server.token);
    const info = await client.call<{ notices?: { kind: string; message: string }[] }>('app:getInfo');
    const conversation = await client.call<{ title: string; messages: unknown[] }>('conversations:get', { id: 'c1' });
    client.close();

    const corrupt = readdirSync(data).filter((f) => /^hearth\.db\.corrupt-[\dT-]+Z$/.test(f));
    // Exactly one file moved aside, whole: the damaged database is kept, never emptied or deleted.
    expect(corrupt).toHaveLength(1);
    const moved = corrupt[0]!;
    expect(readFileSync(join(data, moved)).equals(damaged)).toBe(true);
    expect(info.notices).toEqual([{ kind: 'database-recovered', message: expect.stringContaining(join(data, moved)) }]);
    expect(info.notices![0]!.message).toContain(`1 conversation, ${200 - hit[0]!.ncell - hit[1]!.ncell} messages`);
    expect(conversation.title).toBe('Kept chat');
    expect(conversation.messages).toHaveLength(200 - hit[0]!.ncell - hit[1]!.ncell);
    const [log] = readdirSync(join(data, 'logs'));
    expect(readFileSync(join(data, 'logs', log!), 'utf8')).toMatch(/warn \[headless \d+\] damaged database \(.+\) moved to /);
  });
});
