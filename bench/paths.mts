/**
 * The benchmark's paths. Each is set up once and then answers the same prompt on demand, returning its
 * tokens per second from the request to the last token arriving on that path.
 */
import { getLlama, LlamaChatSession } from 'node-llama-cpp';
import WebSocket from 'ws';
import { createBackend } from '../electron/api/backend';
import { dispatch } from '../electron/api/dispatch';
import { forkSpawner } from '../electron/inference/forkSpawner';
import { launchChromium } from '../test/helpers/browser';
import { WORKER_PATH } from '../test/helpers/fixtures';
import { placeChromium } from './cpus.mjs';

export const PROMPT = 'Tell me a long story about a hearth.';
export const SYSTEM = 'Be brief.';
export const SEED = 7;
export const CONTEXT = 4096;
export const SETTINGS = { temperature: 0, systemPrompt: SYSTEM, contextSize: CONTEXT };

export type PathKey = 'a' | 'b' | 'c' | 'd' | 'e';
export interface Path {
  key: PathKey;
  label: string;
  once: () => Promise<number>;
  close: () => Promise<void>;
}

const check = (path: string, got: number, want: number): void => {
  if (got !== want) throw new Error(`${path} produced ${got} tokens, expected ${want}`);
};

/** (a) the baseline: a raw node-llama-cpp chat session in this process. */
export async function rawPath(model: string, tokens: number): Promise<Path> {
  const llama = await getLlama({ gpu: false, build: 'never' });
  const m = await llama.loadModel({ modelPath: model });
  const ctx = await m.createContext({ contextSize: CONTEXT, threads: 1 });
  const sequence = ctx.getSequence();
  return {
    key: 'a',
    label: 'raw node-llama-cpp',
    once: async () => {
      const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: SYSTEM });
      let n = 0;
      const t0 = performance.now();
      await session.prompt(PROMPT, {
        maxTokens: tokens,
        temperature: 0,
        seed: SEED,
        onToken: (t) => {
          n += t.length;
        },
      });
      const dt = performance.now() - t0;
      session.dispose({ disposeSequence: false });
      check('raw', n, tokens);
      return (n / dt) * 1000;
    },
    close: async () => {
      await ctx.dispose();
      await m.dispose();
    },
  };
}

/** (b) Hearth's inference process and chat service, send -> chat:end. Pushes Hearth's own time per answer. */
export async function servicePath(model: string, modelsDir: string, dataDir: string, tokens: number, overheads: number[]): Promise<Path> {
  const backend = createBackend({
    dataDir,
    modelsDir,
    spawner: forkSpawner(WORKER_PATH),
    gpu: 'off',
    threads: 1,
    shell: 'headless',
    version: 'bench',
  });
  const call = async (channel: string, input?: unknown): Promise<unknown> => {
    const r = await dispatch(backend.handlers, channel, input);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  await call('settings:update', { ...SETTINGS, maxTokens: tokens });
  await call('models:load', { path: model });
  return {
    key: 'b',
    label: 'inference process + chat service',
    once: async () => {
      let done!: (n: number) => void;
      const ended = new Promise<number>((r) => {
        done = r;
      });
      const t0 = performance.now();
      const off = backend.events.subscribe((event, payload) => {
        if (event === 'chat:end') {
          const st = (payload as { stats: { completionTokens: number; durationMs: number } }).stats;
          // The wall time of (b) minus the generation time the inference process measured itself.
          overheads.push(performance.now() - t0 - st.durationMs);
          done(st.completionTokens);
        }
      });
      await call('chat:send', { conversationId: null, text: PROMPT });
      const n = await ended;
      const dt = performance.now() - t0;
      off();
      check('service', n, tokens);
      return (n / dt) * 1000;
    },
    close: () => backend.dispose(),
  };
}

export interface Socket {
  ws: WebSocket;
  call: (channel: string, input?: unknown) => Promise<void>;
  onEnd: (cb: (n: number) => void) => void;
}

/** A WebSocket client of a headless server, as the renderer's transport speaks to it. */
export async function socket(port: number, token: string): Promise<Socket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
  await new Promise((r) => ws.once('open', r));
  let id = 0;
  let endCb: ((n: number) => void) | null = null;
  const waiting = new Map<number, () => void>();
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString());
    if (f.type === 'result') waiting.get(f.id)?.();
    if (f.type === 'event' && f.event === 'chat:end') endCb?.(f.payload.stats.completionTokens);
  });
  return {
    ws,
    call: (channel, input) =>
      new Promise((resolve) => {
        const n = ++id;
        waiting.set(n, resolve);
        ws.send(JSON.stringify({ id: n, channel, input }));
      }),
    onEnd: (cb) => {
      endCb = cb;
    },
  };
}

/** (c) a WebSocket client of `npm run serve`, send -> chat:end frame. */
export function websocketPath(s: Socket, tokens: number): Path {
  return {
    key: 'c',
    label: 'WebSocket client of npm run serve',
    once: async () => {
      const ended = new Promise<number>((r) => s.onEnd(r));
      const t0 = performance.now();
      void s.call('chat:send', { conversationId: null, text: PROMPT });
      const n = await ended;
      const dt = performance.now() - t0;
      check('websocket', n, tokens);
      return (n / dt) * 1000;
    },
    close: async () => {
      s.ws.close();
    },
  };
}

async function openPage(url: string) {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  placeChromium();
  await page.goto(url);
  placeChromium();
  return { browser, page };
}

/** A just-launched Chromium keeps both cores busy for seconds with its own start-up work; let it settle. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5000));

/** (d) Hearth's page in Chromium: the send click -> the last word in the DOM, plus one animation frame. */
export async function browserPath(url: string, tokens: number): Promise<Path> {
  const { browser, page } = await openPage(url);
  await page.locator('[data-testid="engine-status"][data-status="ready"]').waitFor();
  await settle();
  return {
    key: 'd',
    label: 'painted in the browser DOM',
    once: async () => {
      await page.locator('[data-testid="new-chat"]').click();
      await page.locator('[data-testid="composer-input"]').fill(PROMPT);
      const ms = await page.evaluate<number>(hearthAnswerScript(tokens));
      await page.locator('[data-testid="send"]').waitFor();
      return (tokens / ms) * 1000;
    },
    close: () => browser.close(),
  };
}

/**
 * (e) the control for (d): the same browser and the same deltas, appended by a ten-line page to one text node.
 * What (d) loses beyond (e) is Hearth's renderer; what (e) loses against (a) is the browser on this machine.
 */
export async function barePagePath(port: number, token: string, tokens: number): Promise<Path> {
  const { browser, page } = await openPage(`http://127.0.0.1:${port}/health`);
  await settle();
  return {
    key: 'e',
    label: 'bare page in the same browser (control)',
    once: async () => (tokens / (await page.evaluate<number>(barePageScript(token, tokens)))) * 1000,
    close: () => browser.close(),
  };
}

// The page scripts are strings, not functions: the TypeScript loader would inject helpers the page does not have.

/** On Hearth's page: clicks send and resolves with the ms until the answer's last word is painted. */
export const hearthAnswerScript = (tokens: number): string => `new Promise((resolve) => {
  const words = () => {
    const bodies = document.querySelectorAll('[data-role="assistant"] [data-testid="message-body"]');
    const last = bodies[bodies.length - 1];
    return last ? (last.textContent || '').split(/\\s+/).filter(Boolean).length : 0;
  };
  let t0 = 0;
  const obs = new MutationObserver(() => {
    if (words() >= ${tokens}) { obs.disconnect(); requestAnimationFrame(() => resolve(performance.now() - t0)); }
  });
  obs.observe(document.body, { subtree: true, childList: true, characterData: true });
  t0 = performance.now();
  document.querySelector('[data-testid="send"]').click();
})`;

/** On any page of the server's origin: asks over a fresh WebSocket and appends the deltas to one text node. */
export const barePageScript = (token: string, tokens: number): string => `new Promise((resolve) => {
  const pre = document.createElement('pre');
  pre.style.whiteSpace = 'pre-wrap';
  document.body.replaceChildren(pre);
  const text = document.createTextNode('');
  pre.appendChild(text);
  const ws = new WebSocket('ws://' + location.host + '/ws?token=${token}');
  let t0 = 0;
  ws.onopen = () => {
    t0 = performance.now();
    ws.send(JSON.stringify({ id: 1, channel: 'chat:send', input: { conversationId: null, text: ${JSON.stringify(PROMPT)} } }));
  };
  ws.onmessage = (m) => {
    const f = JSON.parse(m.data);
    if (f.type === 'event' && f.event === 'chat:delta') text.appendData(f.payload.text);
    if (f.type === 'event' && f.event === 'chat:end') {
      ws.close();
      if (f.payload.stats.completionTokens !== ${tokens}) resolve(NaN);
      else requestAnimationFrame(() => resolve(performance.now() - t0));
    }
  };
})`;
