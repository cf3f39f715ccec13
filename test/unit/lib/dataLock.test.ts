import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir, type DataLock } from '../../../electron/lib/dataLock';
import { ROOT, tempDir } from '../../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function folder(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return join(t.dir, 'data');
}
function held(lock: DataLock): DataLock {
  cleanups.push(lock.release);
  return lock;
}

/** The pid of a process that has already exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

describe('the data folder lock', () => {
  it('writes its pid into hearth.lock, created only if absent', () => {
    const dir = folder();
    const lock = held(lockDataDir(dir, { now: () => 1000 }));
    expect(lock.file).toBe(join(dir, 'hearth.lock'));
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toEqual({ pid: process.pid, startedAt: 1000 });
  });

  it('refuses a second process while the first is alive, naming the folder and that process', () => {
    const dir = folder();
    held(lockDataDir(dir));
    const other = deadPid();
    const second = (): DataLock => lockDataDir(dir, { pid: other });
    expect(second).toThrow(DataDirLockedError);
    expect(second).toThrow(`Another Hearth (process ${process.pid}, started `);
    expect(second).toThrow(`is already using the data folder ${dir}.`);
  });

  it('takes over a lock left by a process that is gone, or one that cannot be read', () => {
    const dir = folder();
    held(lockDataDir(dir)).release();
    writeFileSync(join(dir, 'hearth.lock'), JSON.stringify({ pid: deadPid(), startedAt: 1 }));
    const lock = held(lockDataDir(dir));
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
    writeFileSync(join(dir, 'hearth.lock'), '{"pi');
    expect(() => held(lockDataDir(dir))).not.toThrow();
  });

  it('releases only its own lock', () => {
    const dir = folder();
    const lock = lockDataDir(dir);
    writeFileSync(lock.file, JSON.stringify({ pid: process.pid + 1, startedAt: 1 }));
    lock.release();
    expect(existsSync(lock.file)).toBe(true);
  });

  it('goes away when its process exits', () => {
    const dir = folder();
    const script = `require(${JSON.stringify(join(ROOT, 'electron/lib/dataLock.ts'))}).lockDataDir(${JSON.stringify(dir)}); console.log('locked')`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    expect(child.stdout).toBe('locked\n');
    expect(existsSync(join(dir, 'hearth.lock'))).toBe(false);
  });
});
