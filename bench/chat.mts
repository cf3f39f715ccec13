/**
 * `npm run bench:chat`: the chat view under load, in Chromium (issue 7's benchmark).
 *
 * The server is the real backend and headless server with a replayed model (bench/chatReplay.mts). Two
 * conversations are written straight into its SQLite: 500 messages, and 10,000 messages. Then:
 *   1. opening the 10,000-message chat: click in the sidebar -> its last message in the DOM plus one frame, from
 *      a freshly loaded page each round (no cached conversation);
 *   2. in the 500-message chat, a 20,000-token answer with 40 code blocks and 100 formulas streamed at 500 tokens/s,
 *      typing in the composer all along: the longest main-thread task (a Chromium trace), keystroke-to-paint, and
 *      how far painted text trails the deltas received.
 * Env: BENCH_OPEN_ROUNDS (default 5), BENCH_TOKENS (default 20000), BENCH_NO_WRITE, BENCH_LABEL (printed only).
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../test/helpers/browser';
import { ROOT, tempDir } from '../test/helpers/fixtures';
import { startReplayServer, tokensOf } from './chatReplay.mjs';

const TOKENS = Number(process.env.BENCH_TOKENS ?? 20_000);
const RATE = 500;
const OPEN_ROUNDS = Number(process.env.BENCH_OPEN_ROUNDS ?? 5);
const CODE_BLOCKS = 40;
const FORMULAS = 100;
const LONG = 'Ten thousand messages';
const STREAMED = 'Five hundred messages';

/** A small deterministic generator, so every run replays the same text. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const WORDS =
  'the hearth keeps a small fire burning through the night while the model writes its answer in plain words and careful sentences about stone wood ash smoke warmth light shadow kettle bread table window door'.split(
    ' ',
  );
const prose = (r: () => number, n: number): string =>
  Array.from({ length: n }, (_, i) => WORDS[Math.floor(r() * WORDS.length)]! + (i % 13 === 12 ? '.' : '')).join(' ');

const FORMS = [
  (i: number) => `$a_{${i}}^2 + b_{${i}}^2 = c_{${i}}^2$`,
  (i: number) => `\\(\\frac{x_{${i}}}{1 + y^{${i}}}\\)`,
  (i: number) => `\n\n$$\n\\sum_{n=1}^{${i}} \\frac{1}{n^2} \\le \\frac{\\pi^2}{6}\n$$\n\n`,
  (i: number) => `\n\n\\[\n\\int_0^{${i}} e^{-t^2}\\,dt\n\\]\n\n`,
];

const code = (i: number): string =>
  [
    '```ts',
    `export function step${i}(state: { n: number; items: string[] }): number {`,
    `  const limit = ${i * 7} + state.items.length; // bound for part ${i}`,
    '  let total = 0;',
    '  for (const item of state.items) {',
    '    if (item.startsWith("#")) continue;',
    '    total += item.length * state.n;',
    '  }',
    '  return Math.min(total, limit);',
    '}',
    '```',
  ].join('\n');

/**
 * The answer: 40 parts, each a heading, prose with 2 or 3 formulas, a code block and more prose. Each prose
 * paragraph starts with a marker word `ZQ<n>` (n rising), which is how the page measures paint lag.
 */
export function answerText(tokens: number): string {
  const build = (words: number): { text: string; markers: number } => {
    const r = rng(7);
    let marker = 0;
    let formula = 0;
    const parts: string[] = [];
    for (let i = 0; i < CODE_BLOCKS; i++) {
      const here = i < FORMULAS - 2 * CODE_BLOCKS ? 3 : 2;
      const inline: string[] = [];
      for (let f = 0; f < here; f++) inline.push(FORMS[formula % FORMS.length]!(formula++));
      parts.push(
        `## Part ${i + 1}`,
        `ZQ${++marker} ${prose(r, words)} ${inline[0]} ${prose(r, 8)} ${inline.slice(1).join(` ${prose(r, 6)} `)} ${prose(r, 10)}`,
        code(i),
        `ZQ${++marker} ${prose(r, words)}`,
      );
    }
    return { text: parts.join('\n\n'), markers: marker };
  };
  let words = 100;
  let built = build(words);
  words = Math.max(1, words + Math.floor((tokens - tokensOf(built.text).length) / (2 * CODE_BLOCKS)));
  built = build(words);
  const short = tokens - tokensOf(built.text).length - 1;
  const r = rng(11);
  return `${built.text}\n\nZQ${built.markers + 1} ${prose(r, Math.max(0, short))}`.trim();
}

/** Writes the two conversations into the server's database, beside the server's own connection (WAL): one branch each. */
function seed(dbPath: string): { longLastId: string } {
  const db = new Database(dbPath);
  const r = rng(3);
  let longLastId = '';
  const add = db.transaction((title: string, count: number, at: number) => {
    const id = randomUUID();
    db.prepare('INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)').run(id, title, at, at);
    const msg = db.prepare(
      'INSERT INTO messages (id, conversation_id, seq, role, content, status, model, created_at, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    let parent: string | null = null;
    for (let i = 1; i <= count; i++) {
      const user = i % 2 === 1;
      const content = user
        ? `${prose(r, 12)}?`
        : i % 10 === 0
          ? `${prose(r, 40)}\n\n${code(i)}\n\nSo $x_${i} = ${i}$ and ${prose(r, 20)}`
          : `${prose(r, 60)}\n\n- ${prose(r, 8)}\n- ${prose(r, 8)}`;
      const mid = randomUUID();
      msg.run(mid, id, i, user ? 'user' : 'assistant', content, 'complete', user ? null : 'replay.gguf', at + i, parent);
      parent = mid;
      if (title === LONG) longLastId = mid;
    }
  });
  const now = Date.now();
  add(LONG, 10_000, now - 100_000);
  add(STREAMED, 500, now - 50_000);
  db.close();
  return { longLastId };
}

/** Records every chat:delta frame the page's own WebSocket receives, before the app's own listener sees it. */
const INIT = `(() => {
  const Native = window.WebSocket;
  window.__deltas = [];
  window.WebSocket = class extends Native {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', (m) => {
        if (typeof m.data !== 'string' || !m.data.includes('chat:')) return;
        const f = JSON.parse(m.data);
        if (f.type === 'event' && f.event === 'chat:delta') window.__deltas.push({ t: performance.now(), text: f.payload.text });
        if (f.type === 'event' && f.event === 'chat:end') window.__endAt = performance.now();
      });
    }
  };
})();`;

/** Clicks a conversation and resolves with the ms until its last message is in the DOM, plus one frame. */
const openScript = (title: string, lastId: string): string => `new Promise((resolve, reject) => {
  const item = [...document.querySelectorAll('[data-testid="conversation-item"]')].find((e) => e.textContent.includes(${JSON.stringify(title)}));
  if (!item) return reject(new Error('no such conversation'));
  const sel = '[data-message-id="${lastId}"]';
  let t0 = 0;
  const done = () => {
    obs.disconnect();
    requestAnimationFrame(() => {
      const c = new MessageChannel();
      c.port1.onmessage = () => resolve({ ms: performance.now() - t0, messages: document.querySelectorAll('[data-testid="message"]').length });
      c.port2.postMessage(0);
    });
  };
  const obs = new MutationObserver(() => { if (document.querySelector(sel)) done(); });
  obs.observe(document.body, { subtree: true, childList: true });
  t0 = performance.now();
  item.click();
})`;

/** Starts the page's instruments: long tasks, keystroke-to-paint, and the painted marker each frame. */
const INSTRUMENT = `(() => {
  const m = (window.__m = { longTasks: [], keys: [], eventMax: 0, painted: new Map(), frames: 0, run: true });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) m.longTasks.push(e.duration); }).observe({ type: 'longtask' });
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name.startsWith('key') || e.name === 'input' || e.name === 'beforeinput') m.eventMax = Math.max(m.eventMax, e.duration); }).observe({ type: 'event', durationThreshold: 16 });
  document.addEventListener('keydown', (e) => {
    const t = e.timeStamp;
    requestAnimationFrame(() => {
      const c = new MessageChannel();
      c.port1.onmessage = () => m.keys.push(performance.now() - t);
      c.port2.postMessage(0);
    });
  }, true);
  let last = 0;
  const frame = () => {
    if (!m.run) return;
    m.frames++;
    const now = performance.now();
    const bodies = document.querySelectorAll('[data-role="assistant"] [data-testid="message-body"]');
    const body = bodies[bodies.length - 1];
    const text = body ? body.textContent : '';
    const at = text.lastIndexOf('ZQ');
    const n = at < 0 ? 0 : parseInt(text.slice(at + 2, at + 12), 10) || 0;
    for (let k = last + 1; k <= n; k++) m.painted.set(k, now);
    if (n > last) last = n;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})()`;

const COLLECT = `(() => {
  const m = window.__m;
  m.run = false;
  const received = new Map();
  for (const d of window.__deltas) for (const x of d.text.matchAll(/ZQ(\\d+)/g)) if (!received.has(+x[1])) received.set(+x[1], d.t);
  const lags = [];
  for (const [k, t] of received) { const p = m.painted.get(k); lags.push(p === undefined ? Infinity : p - t); }
  return { longTasks: m.longTasks, keys: m.keys, eventMax: m.eventMax, lags, frames: m.frames, deltas: window.__deltas.length,
    markers: received.size, endAt: window.__endAt, firstDelta: window.__deltas[0]?.t,
    domMessages: document.querySelectorAll('[data-testid="message"]').length };
})()`;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};
const median = (xs: number[]): number => pct(xs, 50);
const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : String(x));

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  dur?: number;
  cat?: string;
  args?: { name?: string };
}

/** The page's main-thread tasks (CrRendererMain, category toplevel) from a trace, longest first, in ms. */
function mainThreadTasks(file: string): number[] {
  const events = (JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = new Set<string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') main.add(`${e.pid}:${e.tid}`);
  return events
    .filter((e) => e.ph === 'X' && e.cat?.includes('toplevel') && e.dur !== undefined && main.has(`${e.pid}:${e.tid}`))
    .map((e) => e.dur! / 1000)
    .sort((a, b) => b - a);
}

async function main(): Promise<void> {
  const t = tempDir('hearth-bench-chat-');
  const replay = await startReplayServer(join(t.dir, 'data'), RATE);
  const browser = await launchChromium();
  const lines: string[] = [];
  try {
    const { longLastId } = seed(join(t.dir, 'data', 'hearth.db'));
    const answer = answerText(TOKENS);
    replay.setText(answer);
    const counted = {
      tokens: tokensOf(answer).length,
      code: (answer.match(/^```ts$/gm) ?? []).length,
      formulas: (answer.match(/\$\$\n\\sum|\\\[\n\\int|\$a_|\\\(\\frac/g) ?? []).length,
    };
    console.log(`answer: ${counted.tokens} tokens, ${counted.code} code blocks, ${counted.formulas} formulas, ${answer.length} chars`);
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    page.on('crash', () => console.error('the page crashed'));
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.addInitScript(INIT);
    await page.goto(replay.server.url);

    // 1. Opening the 10,000-message chat, cold, each round on a freshly loaded page.
    const opens: { ms: number; messages: number }[] = [];
    for (let i = 0; i < OPEN_ROUNDS; i++) {
      // The page reopens the chat it showed last (sessionStorage), which would warm the cache before the click:
      // leave it first, so every round's page loads with nothing of the long chat fetched.
      await page.locator('[data-testid="new-chat"]').click();
      await page.reload();
      await page.locator('[data-testid="conversation-item"]', { hasText: LONG }).waitFor();
      await page.waitForTimeout(500);
      opens.push(await page.evaluate<{ ms: number; messages: number }>(openScript(LONG, longLastId)));
      console.log(`  open 10,000: ${f(opens.at(-1)!.ms)} ms, ${opens.at(-1)!.messages} message elements`);
    }

    // 2. The streamed answer in the 500-message chat, typing all along.
    await page.reload();
    await page.locator('[data-testid="conversation-item"]', { hasText: STREAMED }).click();
    await page.locator('[data-testid="message"]').last().waitFor();
    await page.waitForTimeout(1000);
    await page.evaluate(INSTRUMENT);
    const traceFile = join(t.dir, 'trace.json');
    await browser.startTracing(page, { path: traceFile, categories: ['toplevel'] });
    const input = page.locator('[data-testid="composer-input"]');
    await input.fill('Write the long answer, please.');
    await page.locator('[data-testid="send"]').click();
    await page.locator('[data-testid="stop"]').waitFor();
    await input.focus();
    const t0 = Date.now();
    let typed = 0;
    while (await page.locator('[data-testid="stop"]').count()) {
      if (Date.now() - t0 > (TOKENS / RATE) * 1000 * 3 + 30_000) throw new Error('the answer did not end');
      await page.keyboard.press(typed % 40 === 39 ? 'Backspace' : 'KeyA');
      typed++;
      await page.waitForTimeout(120);
    }
    await page.waitForTimeout(500);
    await browser.stopTracing();
    const m = await page.evaluate<{
      longTasks: number[];
      keys: number[];
      eventMax: number;
      lags: number[];
      frames: number;
      deltas: number;
      markers: number;
      endAt: number;
      firstDelta: number;
      domMessages: number;
    }>(COLLECT);
    const tasks = mainThreadTasks(traceFile);
    const open = opens.map((o) => o.ms);
    const rows: [string, string, string, string][] = [
      [
        'longest main-thread task while streaming',
        `**${f(tasks[0] ?? NaN)} ms** (next: ${tasks.slice(1, 4).map(f).join(', ')}; ${tasks.filter((x) => x >= 50).length} tasks of 50 ms or more; Long Tasks API: ${m.longTasks.length} entries, longest ${f(Math.max(0, ...m.longTasks))} ms)`,
        'under 50 ms',
        tasks[0]! < 50 ? 'met' : 'missed',
      ],
      [
        'keystroke-to-paint in the composer',
        `p50 ${f(median(m.keys))} ms, **p95 ${f(pct(m.keys, 95))} ms**, max ${f(Math.max(...m.keys))} ms over ${m.keys.length} keys (Event Timing: longest key/input event ${f(m.eventMax)} ms)`,
        'p95 under 50 ms',
        pct(m.keys, 95) < 50 ? 'met' : 'missed',
      ],
      [
        'painted text behind the deltas received',
        `p50 ${f(median(m.lags))} ms, p95 ${f(pct(m.lags, 95))} ms, **max ${f(Math.max(...m.lags))} ms** over ${m.markers} markers`,
        'at most 100 ms',
        Math.max(...m.lags) <= 100 ? 'met' : 'missed',
      ],
      [
        '10,000-message chat: click -> last message painted',
        `median **${f(median(open))} ms**, max ${f(Math.max(...open))} ms over ${open.length} cold opens; ${opens[0]!.messages} message elements in the DOM`,
        'under 300 ms',
        median(open) < 300 ? 'met' : 'missed',
      ],
    ];
    const streamS = (m.endAt - m.firstDelta) / 1000;
    lines.push(
      `Answer: ${counted.tokens.toLocaleString('en')} tokens (one word each), ${counted.code} code blocks, ${counted.formulas} formulas (the four KaTeX forms in turn), ${answer.length.toLocaleString('en')} characters, replayed at ${RATE} tokens/s: ${m.deltas} \`chat:delta\` events over ${f(streamS)} s (${f(counted.tokens / streamS)} tokens/s as received), ${typed} keys typed in the composer meanwhile, ${m.frames} frames; ${m.domMessages} message elements in the DOM at the end of the 501-message chat.`,
      '',
      '| measure | result | target | |',
      '|---|---|---|---|',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    );
    console.log(`\n${process.env.BENCH_LABEL ?? ''}\n${lines.join('\n')}`);
  } finally {
    await browser.close();
    await replay.close();
    t.cleanup();
  }
  if (process.env.BENCH_NO_WRITE) return;
  const file = join(ROOT, 'bench/RESULTS.md');
  const block = `<!-- chat:start -->
## Chat view under load (issue 7)

Command: \`npm run bench:chat\` (${new Date().toISOString().slice(0, 10)}; ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, Debian Chromium headless, 1200x800).

Setup: the real backend and headless server (\`createBackend\`, \`startHeadlessServer\`) serving the built renderer, with only the model replaced (\`bench/chatReplay.mts\`): a \`ChatBackend\` that replays a prepared Markdown answer word by word at a fixed rate through the real \`AnswerRunner\` (persisting, the 50 ms \`DeltaBatcher\`, the event bus, the WebSocket). The tiny models cannot write Markdown. Two conversations are written into the server's SQLite first: 500 messages (the answer streams into it) and 10,000 messages.

${lines.join('\n')}

How each figure is measured:
- Longest task: a Chromium trace (category \`toplevel\`) over the whole answer, every task on the page's main thread (\`CrRendererMain\`); the Long Tasks API (which reports only tasks over 50 ms) as a cross-check.
- Keystroke-to-paint: a key pressed in the composer every 120 ms through the DevTools protocol while the answer streams; for each, a capture \`keydown\` listener takes the event's \`timeStamp\`, then the next animation frame posts a message, and its arrival (just after that frame's paint) ends the measure. Event Timing's longest key or input event (from the event to the next paint, reported only above 16 ms) as a cross-check.
- Paint lag: each prose paragraph of the answer starts with a marker word \`ZQ<n>\`. A listener on the page's own WebSocket (installed before the app's, by wrapping the constructor in an init script) notes when each \`chat:delta\` carrying a marker arrives; a \`requestAnimationFrame\` loop reads the answer's text each frame and notes the frame in which each marker is first in the DOM. Lag is the frame's time minus the arrival.
- Opening: a fresh page load each round (nothing cached), then a click on the chat in the sidebar; the time until the chat's last message is in the DOM, plus one animation frame and a posted message (its paint).
<!-- chat:end -->`;
  const old = readFileSync(file, 'utf8');
  const re = /<!-- chat:start -->[\s\S]*<!-- chat:end -->/;
  writeFileSync(file, re.test(old) ? old.replace(re, block) : `${old.trimEnd()}\n\n${block}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
