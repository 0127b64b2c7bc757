/**
 * The house rule: no source file over 400 lines — tests, benchmarks and styles included. It applies to every
 * file git knows of (tracked, or new and not ignored) under src, db (not its generated migrations), web/src,
 * bench (not its results) and test whose name ends in .ts, .tsx, .mjs, .js or .css.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const MAX_LINES = 400;
const DIRS = ['src', 'db', 'web/src', 'bench', 'test'];
const EXCLUDED = ['db/migrations/', 'bench/results/'];
const SOURCE = /\.(ts|tsx|mjs|js|css)$/;

/** Lines as an editor numbers them: `wc -l`, plus a last line that lacks its newline. */
function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** The source files the rule covers in a git work tree. */
function sourceFiles(dir: string): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', ...DIRS], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const files = new Set(listed.split('\0').filter(Boolean));
  // A file deleted in the work tree but still in the index is not there to measure.
  return [...files].filter((f) => SOURCE.test(f) && !EXCLUDED.some((e) => f.startsWith(e)) && fs.existsSync(path.join(dir, f))).sort();
}

/** The files over the limit, longest first, as "path: N lines". */
function oversized(dir: string): string[] {
  return sourceFiles(dir)
    .map((file) => ({ file, lines: lineCount(fs.readFileSync(path.join(dir, file), 'utf8')) }))
    .filter((f) => f.lines > MAX_LINES)
    .sort((a, b) => b.lines - a.lines || (a.file < b.file ? -1 : 1))
    .map((f) => `${f.file}: ${f.lines} lines`);
}

describe(`no source file over ${MAX_LINES} lines`, () => {
  it('holds for this repository', () => {
    // The listing is the real one (not an empty list that passes by itself).
    expect(sourceFiles(root).length).toBeGreaterThan(300);
    expect(sourceFiles(root)).toEqual(expect.arrayContaining(['src/main.ts', 'web/src/styles.css', 'test/unit/file-size.test.ts']));
    expect(oversized(root), `split these files (house rule: at most ${MAX_LINES} lines)`).toEqual([]);
  });

  const tmp: string[] = [];
  afterAll(() => {
    for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
  });

  it('names a file of 401 lines, tracked or new, and leaves alone what the rule does not cover', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-file-size-'));
    tmp.push(dir);
    const lines = (n: number, last = '\n') => `${Array.from({ length: n }, (_, i) => `const x${i} = ${i};`).join('\n')}${last}`;
    const files: Record<string, string> = {
      'src/long.ts': lines(401), // tracked
      'web/src/long.css': lines(401), // new, not yet added
      'test/unlined.ts': lines(401, ''), // no newline after its last line
      'src/at-limit.ts': lines(400),
      'bench/at-limit.mjs': lines(400, ''),
      'db/migrations/0001_generated.ts': lines(900),
      'bench/results/run.js': lines(900),
      'docs/example.ts': lines(900),
      'src/notes.md': lines(900),
      'test/ignored.ts': lines(900),
      '.gitignore': 'test/ignored.ts\n',
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    execFileSync('git', ['init', '-q'], { cwd: dir });
    execFileSync('git', ['add', 'src/long.ts', 'src/at-limit.ts', 'test/unlined.ts', '.gitignore'], { cwd: dir });
    expect(oversized(dir)).toEqual(['src/long.ts: 401 lines', 'test/unlined.ts: 401 lines', 'web/src/long.css: 401 lines']);
  });
});
