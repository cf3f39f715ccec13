import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeError, LogFile } from '../../../electron/lib/log';
import { tempDir } from '../../helpers/fixtures';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function folder(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

const DAY = 86_400_000;

describe('the log file', () => {
  it('writes one file per day and keeps only the last seven', () => {
    const dir = folder();
    writeFileSync(join(dir, 'notes.txt'), 'not a log');
    let now = new Date(2025, 0, 1, 12).getTime();
    const log = new LogFile({ dir, processName: 'test', now: () => now });
    for (let day = 0; day < 10; day++) {
      log.warn(`day ${day}`);
      log.error('failed', new Error(`broke on day ${day}`));
      now += DAY;
    }
    expect(readdirSync(dir).sort()).toEqual([
      'hearth-2025-01-04.log',
      'hearth-2025-01-05.log',
      'hearth-2025-01-06.log',
      'hearth-2025-01-07.log',
      'hearth-2025-01-08.log',
      'hearth-2025-01-09.log',
      'hearth-2025-01-10.log',
      'notes.txt',
    ]);
    const last = readFileSync(join(dir, 'hearth-2025-01-10.log'), 'utf8');
    expect(last).toMatch(
      new RegExp(
        `^\\S+Z warn \\[test ${process.pid}\\] day 9\\n\\S+Z error \\[test ${process.pid}\\] failed: Error: broke on day 9\\n    at `,
      ),
    );
  });

  it('keeps the stack of an error but nothing from a thrown object, which could hold chat text', () => {
    expect(describeError(new Error('boom'))).toMatch(/^Error: boom\n\s+at /);
    expect(describeError({ content: 'my secret prompt' })).not.toContain('secret');
    expect(describeError(null)).toBe('a thrown null that is not an Error');
  });

  it('records crashes, rejections and warnings from main and from the process main starts, then exits on the crash', () => {
    const dir = folder();
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures/crashingProcess.ts'), 'main', dir], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.status).toBe(1);
    // Node's own report still reaches stderr, where the inference host reads a crashed process's reason.
    expect(child.stderr).toContain('Error: thrown on purpose');
    const [file] = readdirSync(dir);
    const text = readFileSync(join(dir, file!), 'utf8');
    expect(text).toMatch(/error \[inference \d+\] uncaught exception: Error: the worker broke on purpose\n\s+at /);
    expect(text).toMatch(/error \[main \d+\] unhandled promise rejection: Error: rejected on purpose/);
    expect(text).toMatch(/warn \[main \d+\] node warning: Warning: careful on purpose/);
    expect(text).toMatch(/error \[main \d+\] uncaught exception: Error: thrown on purpose\n\s+at /);
  });
});
