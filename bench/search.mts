/**
 * `npm run bench:search` (also the last step of `npm run bench`): full-text search over 1,000,000 stored messages.
 *
 * Builds a database with the real migrations in a temporary folder: 50,000 conversations of 20 messages, user
 * turns of 6-30 words and answers of 25-120 words, drawn from a 60,000-word vocabulary with a Zipf distribution
 * (s = 1.07; the top words are real English function words, so "the" is in nearly every message and a word of
 * rank 30,000 in a few dozen). Then times `SearchRepo.search`, the function behind `conversations:search`,
 * over a stated mix of queries, after one untimed pass to warm the page cache:
 *   rare terms (ranks 5,000-55,000), common terms (ranks 1-300), phrases of 2-3 words taken from stored
 *   messages, two-word AND queries (a rare and a common word), prefixes as typed (the first 3-5 letters of a word
 *   of rank 300-5,000), and the worst prefixes: the first 3 letters of a common word ("wou" reads "would").
 * It also times, on a few queries, the plans it did not choose (bm25 over every match), to say why.
 * Env: SEARCH_MESSAGES (1,000,000), SEARCH_QUERIES (per kind, 200), SEARCH_DB (a file to build once and reuse
 * across runs, kept afterwards), BENCH_NO_WRITE.
 */
import { zipf } from './zipf.mjs';
import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SearchRepo, SELECTIVE_MAX, type SearchOrder } from '../electron/chat/searchRepo';
import { toMatchExpression } from '../electron/chat/searchQuery';
import { openDatabase } from '../electron/db/open';
import { ROOT, tempDir } from '../test/helpers/fixtures';

const MESSAGES = Number(process.env.SEARCH_MESSAGES ?? 1_000_000);
const PER_KIND = Number(process.env.SEARCH_QUERIES ?? 200);
const PER_CONVERSATION = 20;
const VOCABULARY = 60_000;
const ZIPF_S = 1.07;

/** mulberry32: a small seeded generator, so every run builds the same database and asks the same queries. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON = `the of and to a in is you that it for on with as this be are was at by or from not have an but can
  what all your we will if there which one do more when about how so use they has like would other some time
  make also into just only then than them new need file code model first way any these could see get data set
  run value each work should may well example where here list most because change error function user two used
  over after answer line test call out same both very back while type case return start right without local`
  .split(/\s+/)
  .filter(Boolean);

function vocabulary(random: () => number): string[] {
  const syllables: string[] = [];
  for (const c of 'bcdfghjklmnprstvwz') for (const v of ['a', 'e', 'i', 'o', 'u', 'ai', 'ou']) syllables.push(c + v);
  const words = [...COMMON];
  const seen = new Set(words);
  while (words.length < VOCABULARY) {
    let w = '';
    const n = 2 + Math.floor(random() * 3);
    for (let i = 0; i < n; i++) w += syllables[Math.floor(random() * syllables.length)];
    if (random() < 0.3) w += 'nt';
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

function text(words: string[], draw: () => number, random: () => number, n: number): string {
  const out: string[] = [];
  let sentence = 0;
  for (let i = 0; i < n; i++) {
    let w = words[draw()]!;
    if (sentence === 0) w = w[0]!.toUpperCase() + w.slice(1);
    sentence++;
    if (i === n - 1 || (sentence > 5 && random() < 0.12)) {
      w += random() < 0.15 ? '?' : '.';
      sentence = 0;
    } else if (random() < 0.05) w += ',';
    out.push(w);
  }
  return out.join(' ');
}

function build(file: string, words: string[]): number {
  const random = rng(7);
  const draw = zipf(VOCABULARY, ZIPF_S, random);
  const { db } = openDatabase(file);
  const conv = db.prepare('INSERT INTO conversations (id, title, created_at, updated_at, title_status) VALUES (?, ?, ?, ?, ?)');
  const msg = db.prepare(
    "INSERT INTO messages (id, conversation_id, seq, role, content, status, created_at) VALUES (?, ?, ?, ?, ?, 'complete', ?)",
  );
  const t0 = performance.now();
  const t = Date.UTC(2025, 0, 1);
  db.transaction(() => {
    for (let c = 0; c * PER_CONVERSATION < MESSAGES; c++) {
      const id = `c${c}`;
      const at = t + c * 60_000;
      conv.run(id, text(words, draw, random, 3 + Math.floor(random() * 4)).replace(/[.?]$/, ''), at, at, 'auto');
      for (let s = 0; s < PER_CONVERSATION && c * PER_CONVERSATION + s < MESSAGES; s++) {
        const user = s % 2 === 0;
        const n = user ? 6 + Math.floor(random() * 25) : 25 + Math.floor(random() * 96);
        msg.run(`${id}m${s}`, id, s + 1, user ? 'user' : 'assistant', text(words, draw, random, n), at + s * 1000);
      }
    }
  })();
  const ms = performance.now() - t0;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return ms;
}

interface Kind {
  name: string;
  queries: string[];
}

function queries(file: string, words: string[]): Kind[] {
  const random = rng(11);
  const pick = (lo: number, hi: number): string => words[lo + Math.floor(random() * (hi - lo))]!;
  const db = new Database(file, { readonly: true });
  const content = db.prepare<[number], { content: string }>('SELECT content FROM messages WHERE rowid = ?');
  const phrases: string[] = [];
  while (phrases.length < PER_KIND) {
    const tokens =
      content
        .get(1 + Math.floor(random() * MESSAGES))!
        .content.toLowerCase()
        .match(/[a-z]+/g) ?? [];
    const n = 2 + Math.floor(random() * 2);
    if (tokens.length < n) continue;
    const at = Math.floor(random() * (tokens.length - n + 1));
    phrases.push(`"${tokens.slice(at, at + n).join(' ')}"`);
  }
  db.close();
  const many = (f: () => string): string[] => Array.from({ length: PER_KIND }, f);
  return [
    { name: 'rare term (rank 5,000-55,000)', queries: many(() => `${pick(5000, 55_000)} `) },
    { name: 'common term (rank 1-300)', queries: many(() => `${pick(0, 300)} `) },
    { name: 'phrase of 2-3 words from a stored message', queries: phrases },
    { name: 'rare AND common word', queries: many(() => `${pick(5000, 55_000)} ${pick(0, 300)} `) },
    {
      name: 'prefix as typed (3-5 letters of rank 300-5,000)',
      queries: many(() => pick(300, 5000).slice(0, 3 + Math.floor(random() * 3))),
    },
    { name: 'prefix of a common word as typed (3 letters of rank 1-300)', queries: many(() => pick(0, 300).slice(0, 3)) },
  ];
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const ms = (x: number): string => x.toFixed(x < 10 ? 2 : 1);

async function main(): Promise<void> {
  const t = tempDir('hearth-search-bench-');
  const lines: string[] = [];
  const say = (s: string): void => {
    console.log(s);
    lines.push(s);
  };
  try {
    const file = process.env.SEARCH_DB ?? join(t.dir, 'hearth.db');
    const words = vocabulary(rng(3));
    const buildMs = existsSync(file) ? NaN : build(file, words);
    const size = statSync(file).size;
    console.log(`built ${MESSAGES} messages in ${(buildMs / 1000).toFixed(1)} s, ${(size / 2 ** 20).toFixed(0)} MiB`);
    const kinds = queries(file, words);
    const { db } = openDatabase(file);
    const repo = new SearchRepo(db);
    for (const k of kinds) for (const q of k.queries) repo.search(q);

    say('| queries | n | p50 ms | p95 ms | max ms | ranked by bm25 | newest first | hits per query (median) |');
    say('|---|---|---|---|---|---|---|---|');
    const all: number[] = [];
    for (const k of kinds) {
      const times: number[] = [];
      const orders: Record<SearchOrder, number> = { relevance: 0, newest: 0 };
      const hits: number[] = [];
      for (const q of k.queries) {
        const t0 = performance.now();
        const r = repo.search(q);
        times.push(performance.now() - t0);
        orders[r.order]++;
        hits.push(r.hits.length);
      }
      all.push(...times);
      times.sort((a, b) => a - b);
      hits.sort((a, b) => a - b);
      say(
        `| ${k.name} | ${times.length} | ${ms(quantile(times, 0.5))} | ${ms(quantile(times, 0.95))} | ${ms(times.at(-1)!)} | ${orders.relevance} | ${orders.newest} | ${quantile(hits, 0.5)} |`,
      );
    }
    all.sort((a, b) => a - b);
    say(`| **all of the above** | ${all.length} | ${ms(quantile(all, 0.5))} | **${ms(quantile(all, 0.95))}** | ${ms(all.at(-1)!)} | | | |`);

    // The plan not chosen: bm25 over every match of a common term, as FTS5 does for ORDER BY rank.
    const byRank = db.prepare<[string], { rowid: number }>(
      'SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rank LIMIT 30',
    );
    const count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?');
    say('');
    say(
      'The plan not taken: bm25 over every match (`ORDER BY rank LIMIT 30`, one run) against `search()` (median of 5 runs, timed first):',
    );
    say('');
    say('| query | messages matching | ORDER BY rank LIMIT 30 | search() |');
    say('|---|---|---|---|');
    for (const q of [`${words[0]!} `, `${words[20]!} `, `${words[200]!} `, `${words[2000]!} `, '"and in that"', '"of that and"']) {
      const match = toMatchExpression(q)!;
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        repo.search(q);
        runs.push(performance.now() - t0);
      }
      const n = count.get(match)!.n;
      const t0 = performance.now();
      byRank.all(match);
      const rankMs = performance.now() - t0;
      say(`| ${q.trim()} | ${n.toLocaleString('en')} | ${ms(rankMs)} ms | ${ms(runs.sort((a, b) => a - b)[2]!)} ms |`);
    }
    db.close();

    const block = [
      '<!-- search:start -->',
      '## Search (issue 7)',
      '',
      `Command: \`npm run bench:search\` (${new Date().toISOString().slice(0, 10)}; ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, SQLite ${sqliteVersion()}).`,
      `${MESSAGES.toLocaleString('en')} messages in ${(MESSAGES / PER_CONVERSATION).toLocaleString('en')} conversations, built with the real migrations ${Number.isNaN(buildMs) ? 'earlier (SEARCH_DB)' : `in ${(buildMs / 1000).toFixed(0)} s`} (one transaction, FTS5 filled by the triggers); the file is ${(size / 2 ** 20).toFixed(0)} MiB.`,
      `Text: a ${VOCABULARY.toLocaleString('en')}-word vocabulary drawn with a Zipf distribution (s = ${ZIPF_S}), real function words at the top; user turns of 6-30 words, answers of 25-120.`,
      'Each query is one call of `SearchRepo.search` (what `conversations:search` runs: titles, then 30 messages with snippets), timed after one untimed pass over every query (a warm page cache).',
      `Target: p95 under 50 ms over the mix. Plan (electron/chat/searchRepo.ts): count each word's messages up to ${SELECTIVE_MAX.toLocaleString('en')} (the count stops there, so a word in every message costs what a rare one does); a phrase with a word under that is selective. All phrases selective: bm25 over the matches. Some: bm25 over the selective phrases alone, the common ones only filter. None: newest stored first, which FTS5 reads off its index from the end and stops after 30. The last word as typed is also a prefix unless it is a common word itself.`,
      '',
      ...lines,
      '<!-- search:end -->',
    ].join('\n');
    if (process.env.BENCH_NO_WRITE) return;
    const results = join(ROOT, 'bench/RESULTS.md');
    const old = readFileSync(results, 'utf8');
    const marked = /<!-- search:start -->[\s\S]*<!-- search:end -->/;
    writeFileSync(results, marked.test(old) ? old.replace(marked, block) : `${old.trimEnd()}\n\n${block}\n`);
  } finally {
    t.cleanup();
  }
}

function sqliteVersion(): string {
  const db = new Database(':memory:');
  const v = db.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()!.v;
  db.close();
  return v;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
