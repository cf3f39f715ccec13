import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Who holds the data folder: what the lock file says. */
const Holder = z.object({ pid: z.number().int(), startedAt: z.number() });
type Holder = z.infer<typeof Holder>;

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: Holder | null,
    readonly lockFile: string,
  ) {
    const who = holder ? `process ${holder.pid}, started ${new Date(holder.startedAt).toISOString()}` : 'a process that is starting';
    super(
      `Another Hearth (${who}) is already using the data folder ` +
        `${dataDir}. Stop it first, or give this one another folder (--data-dir). If no Hearth is running, delete ${lockFile}.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataLock {
  file: string;
  /** Removes the lock file if it is still ours. Also runs on process exit. */
  release(): void;
}

export interface LockOptions {
  pid?: number;
  now?: () => number;
  isAlive?: (pid: number) => boolean;
}

/** Signal 0 checks that a process exists without touching it; EPERM means it exists but is someone else's. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): Holder | null {
  try {
    const parsed = Holder.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Takes `<dataDir>/hearth.lock` so only one process owns the database and its live answers: a second one would
 * mark the first one's streaming answers failed at start. The file is created exclusively (`wx`); a lock left by
 * a process that is gone (killed, crashed), or an unreadable one, is taken over. Throws DataDirLockedError.
 */
export function lockDataDir(dataDir: string, o: LockOptions = {}): DataLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'hearth.lock');
  const me: Holder = { pid: o.pid ?? process.pid, startedAt: (o.now ?? Date.now)() };
  const isAlive = o.isAlive ?? isProcessAlive;
  // A second round follows the removal of a stale lock; losing it to another starting process ends below.
  for (let round = 0; round < 2; round++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx' });
      return hold(file, me.pid);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(file);
    // Our own pid in the file is a leftover too: containers hand out the same pid on every start.
    if (holder && holder.pid !== me.pid && isAlive(holder.pid)) throw new DataDirLockedError(dataDir, holder, file);
    rmSync(file, { force: true });
  }
  throw new DataDirLockedError(dataDir, readHolder(file), file);
}

function hold(file: string, pid: number): DataLock {
  const release = (): void => {
    process.off('exit', release);
    if (readHolder(file)?.pid === pid) rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { file, release };
}
