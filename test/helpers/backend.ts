import { join } from 'node:path';
import type { EventChannel } from '../../shared/channels';
import { createBackend, type Backend, type BackendOptions } from '../../electron/api/backend';
import { dispatch } from '../../electron/api/dispatch';
import { forkSpawner } from '../../electron/inference/forkSpawner';
import { WORKER_PATH } from './fixtures';

export type Seen = { event: EventChannel; payload: unknown }[];

/** The app's backend as the headless server builds it, on `<dir>/data` and `<dir>/models`, recording every event. */
export function startBackend(dir: string, seen: Seen, extra: Partial<BackendOptions> = {}): Backend {
  const b = createBackend({
    dataDir: join(dir, 'data'),
    modelsDir: join(dir, 'models'),
    spawner: forkSpawner(WORKER_PATH),
    gpu: 'off',
    threads: 1,
    shell: 'headless',
    version: 'test',
    ...extra,
  });
  b.events.subscribe((event, payload) => seen.push({ event, payload }));
  return b;
}

/** A call through the handler table, as a transport makes it; an error envelope throws with its code. */
export async function callHandler<T = unknown>(b: Backend, channel: string, input?: unknown): Promise<T> {
  const r = await dispatch(b.handlers, channel, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}
