import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures';

/** The import rules of the house style, checked on every test run so nobody has to remember them. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|tsx)$/.test(name)) out.push(rel);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found = new Set<string>();
  for (const m of text.matchAll(
    /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm,
  )) {
    found.add((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  }
  return [...found];
}

const resolveRel = (file: string, spec: string): string => (spec.startsWith('.') ? relative(ROOT, join(ROOT, file, '..', spec)) : spec);

const all = [...sources('electron'), ...sources('shared'), ...sources('renderer')];

function violations(rule: (file: string, spec: string, target: string) => boolean): string[] {
  return all.flatMap((f) =>
    imports(f)
      .filter((s) => rule(f, s, resolveRel(f, s)))
      .map((s) => `${f} -> ${s}`),
  );
}

describe('import boundaries', () => {
  it('finds the files it checks', () => {
    expect(all.length).toBeGreaterThan(30);
    expect(imports('electron/main/index.ts')).toContain('electron');
  });

  it('only electron/main, electron/preload and the worker entry import electron', () => {
    expect(
      violations((f, s) => s === 'electron' && !/^electron\/(main|preload)\//.test(f) && f !== 'electron/inference/worker.ts'),
    ).toEqual([]);
  });

  it('only electron/inference imports node-llama-cpp', () => {
    expect(violations((f, s) => s.startsWith('node-llama-cpp') && !f.startsWith('electron/inference/'))).toEqual([]);
  });

  it('shared imports only zod and itself', () => {
    expect(violations((f, s, t) => f.startsWith('shared/') && s !== 'zod' && !t.startsWith('shared/'))).toEqual([]);
  });

  it('the renderer never imports main-process code or node built-ins', () => {
    expect(
      violations((f, s, t) => f.startsWith('renderer/') && (t.startsWith('electron/') || s === 'electron' || s.startsWith('node:'))),
    ).toEqual([]);
  });

  it('product code never imports the tests (the tiny-model writer serves npm run demo, so it lives in electron/lib)', () => {
    expect(violations((_f, _s, t) => t.startsWith('test/'))).toEqual([]);
  });

  it('domain folders never import the shells or a transport', () => {
    // Every folder under electron/ but the shells themselves, so a new domain folder (scheduler/) is covered too.
    const domain = /^electron\/(?!main\/|preload\/|headless\/)/;
    expect(violations((f, _s, t) => domain.test(f) && /^electron\/(main|preload|headless)\//.test(t))).toEqual([]);
  });
});
