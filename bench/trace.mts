/**
 * Diagnostic: where Chromium's CPU goes while an answer streams into (1) Hearth's page and (2) a bare page that
 * appends the same deltas to one text node. Traces one answer of each and sums each thread's CPU time.
 * With PROFILE=1, a V8 CPU profile of Hearth's page instead (self time per function).
 * Run: npx tsx bench/trace.mts [28m|1m]   (after a build: npm run build)
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../test/helpers/browser';
import { tempDir } from '../test/helpers/fixtures';
import { startServe, wsClient } from '../test/helpers/headlessProcess';
import { writeTinyModel, type TinyModelSize } from '../electron/lib/tinyModel';
import { barePageScript, hearthAnswerScript, PROMPT, SETTINGS } from './paths.mjs';

const size = (process.argv[2] ?? '28m') as TinyModelSize;
const TOKENS = 512;
const t = tempDir('hearth-trace-');
const modelsDir = join(t.dir, 'models');
mkdirSync(modelsDir);
const model = writeTinyModel(join(modelsDir, 'm.gguf'), { size, favor: 'the' });

async function server(name: string) {
  const s = await startServe(['--port', '0', '--data-dir', join(t.dir, name), '--models-dir', modelsDir, '--threads', '1', '--gpu', 'off']);
  const c = await wsClient(s.port, s.token);
  await c.call('settings:update', { ...SETTINGS, maxTokens: TOKENS });
  await c.call('models:load', { path: model });
  c.close();
  return s;
}

interface Ev {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  tdur?: number;
  dur?: number;
  cat?: string;
  args?: { name?: string };
}

function summarize(file: string): string {
  const events = (JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: Ev[] }).traceEvents;
  const threads = new Map<string, string>();
  const procs = new Map<number, string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
    if (e.ph === 'M' && e.name === 'process_name') procs.set(e.pid, e.args?.name ?? '?');
  }
  const cpu = new Map<string, number>();
  const names = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || !e.cat?.includes('toplevel') || e.tdur === undefined) continue;
    const key = `${procs.get(e.pid) ?? e.pid} / ${threads.get(`${e.pid}:${e.tid}`) ?? e.tid}`;
    cpu.set(key, (cpu.get(key) ?? 0) + e.tdur / 1000);
  }
  for (const e of events) {
    if (e.ph !== 'X' || e.tdur === undefined) continue;
    const thread = threads.get(`${e.pid}:${e.tid}`) ?? '';
    if (thread !== 'CrRendererMain' && thread !== 'Compositor' && thread !== 'VizCompositorThread') continue;
    const key = `${thread}: ${e.name}`;
    names.set(key, (names.get(key) ?? 0) + e.tdur / 1000);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${v.toFixed(1).padStart(8)} ms  ${k}`)
      .join('\n');
  return `threads (toplevel CPU):\n${top(cpu, 14)}\nevents (inclusive CPU):\n${top(names, 40)}`;
}

const CATEGORIES = ['toplevel', 'blink', 'cc', 'viz', 'v8', 'devtools.timeline', 'disabled-by-default-devtools.timeline'];

async function main(): Promise<void> {
  const [sh, sb] = [await server('h'), await server('b')];
  const browser = await launchChromium();
  try {
    const hearth = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await hearth.goto(sh.url);
    await hearth.locator('[data-testid="engine-status"][data-status="ready"]').waitFor();
    const bare = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await bare.goto(`http://127.0.0.1:${sb.port}/health`);
    await new Promise((r) => setTimeout(r, 4000));
    const runHearth = async () => {
      await hearth.locator('[data-testid="new-chat"]').click();
      await hearth.locator('[data-testid="composer-input"]').fill(PROMPT);
      const rate = (TOKENS / (await hearth.evaluate<number>(hearthAnswerScript(TOKENS)))) * 1000;
      await hearth.locator('[data-testid="send"]').waitFor();
      return rate;
    };
    const runBare = async () => (TOKENS / (await bare.evaluate<number>(barePageScript(sb.token, TOKENS)))) * 1000;
    for (let i = 0; i < 2; i++) console.log('warm', (await runHearth()).toFixed(0), (await runBare()).toFixed(0));
    if (process.env.PROFILE) {
      const cdp = await hearth.context().newCDPSession(hearth);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
      await runHearth();
      const { profile } = (await cdp.send('Profiler.stop')) as {
        profile: {
          nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
          samples: number[];
          timeDeltas: number[];
        };
      };
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples.forEach((id, i) => {
        const n = byId.get(id)!;
        const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`;
        self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
      });
      console.log(
        [...self]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 40)
          .map(([k, v]) => `${v.toFixed(1).padStart(8)} ms ${k}`)
          .join('\n'),
      );
      return;
    }
    for (const [name, page, run] of [
      ['hearth', hearth, runHearth],
      ['bare', bare, runBare],
    ] as const) {
      await page.bringToFront();
      const file = join(t.dir, `${name}.json`);
      await browser.startTracing(page, { path: file, categories: CATEGORIES });
      const rate = await run();
      await browser.stopTracing();
      console.log(`\n== ${name}: ${rate.toFixed(0)} tok/s\n${summarize(file)}`);
    }
  } finally {
    await browser.close();
    await sh.stop();
    await sb.stop();
    t.cleanup();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
