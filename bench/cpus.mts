/**
 * Where the benchmark's processes run (Linux, `taskset` from util-linux), and how much CPU Chromium took.
 *
 * Two placements:
 * - shared: the OS schedules everything on every core, as on the user's machine.
 * - isolated: generation (the benchmark process with (a) and (b), and each server's inference process) on
 *   CPU 0; everything else (the servers' main processes, Chromium) on the other cores. The paths are then
 *   measured as the issue states them, "one thread", without the browser's threads queueing on that thread's
 *   core: on a 2-core machine the browser otherwise takes its time out of generation whatever page it shows.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

export type Placement = 'shared' | 'isolated';

let placement: Placement = 'shared';
const ALL = `0-${cpus().length - 1}`;
const OTHERS = cpus().length > 2 ? `1-${cpus().length - 1}` : '1';

/** Whether this machine can isolate the generation core: two cores or more, and taskset. */
export function canIsolate(): boolean {
  if (cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function setAffinity(pid: number, list: string): void {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'ignore' });
  } catch {
    /* gone */
  }
}

/** Places this process (and so every process it forks from now on) for the given placement. */
export function usePlacement(p: Placement): void {
  placement = p;
  if (canIsolate()) setAffinity(process.pid, p === 'isolated' ? '0' : ALL);
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('sh', ['-c', `cat /proc/${pid}/task/*/children`], { encoding: 'utf8' })
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** A headless server: its main process off the generation core, its inference process (a child) on it. */
export function placeServer(pid: number): void {
  if (placement !== 'isolated') return;
  setAffinity(pid, OTHERS);
  for (const child of childrenOf(pid)) setAffinity(child, '0');
}

function chromiumPids(): number[] {
  const out = execFileSync('sh', ['-c', 'grep -l "^[0-9]* (chrom" /proc/[0-9]*/stat 2>/dev/null || true'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map((f) => Number(f.split('/')[2]));
}

/** Every Chromium process off the generation core (new renderers inherit it from their zygote). */
export function placeChromium(): void {
  if (placement !== 'isolated') return;
  for (const pid of chromiumPids()) setAffinity(pid, OTHERS);
}

/** Chromium's CPU time so far (Linux), to say how much of a core painting took. */
export function chromiumCpuSeconds(): number {
  try {
    const out = execFileSync('sh', ['-c', 'cat /proc/[0-9]*/stat 2>/dev/null'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    let ticks = 0;
    for (const line of out.split('\n')) {
      const m = line.match(/^\d+ \((chrom[^)]*)\) (.*)$/);
      if (m) {
        const f = m[2]!.split(' ');
        ticks += Number(f[11]) + Number(f[12]);
      }
    }
    return ticks / 100;
  } catch {
    return NaN;
  }
}
