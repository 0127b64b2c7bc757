import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, DataDirLockedError } from '../../db/client.ts';
import { BUNDLE_DIR, bundle, serverLaunch } from '../../src/ops/bundle.ts';

const root = path.resolve(import.meta.dirname, '../..');
// What `npm start` runs: the server bundle (src/ops/bundle.ts) with plain node, no TypeScript loader. A file of
// this run's own beside it, so packages resolve from the project's node_modules as they do for the real one.
const server = path.join(BUNDLE_DIR, `startup-test-${process.pid}.mjs`);
beforeAll(() => bundle('src/serve.ts', server), 60_000);
afterAll(() => {
  for (const f of [server, `${server}.map`]) fs.rmSync(f, { force: true });
});

/** The data folder and the key file the default configuration keeps beside it (DATA_DIR.keys.json). */
function removeDataDir(dir: string) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(`${dir}.keys.json`, { force: true });
}

function run(env: Record<string, string>, untilLine: RegExp, timeoutMs = 150_000) {
  const launch = serverLaunch();
  const child = spawn(process.execPath, [...launch.flags, server], {
    cwd: root,
    env: { ...process.env, ...launch.env, LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const done = new Promise<{ out: string; code: number | null }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${untilLine}: ${out}`)), timeoutMs);
    const check = () => {
      if (untilLine.test(out)) {
        clearTimeout(timer);
        resolve({ out, code: null });
      }
    };
    child.stdout.on('data', (d) => ((out += d), check()));
    child.stderr.on('data', (d) => ((out += d), check()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ out, code });
    });
  });
  return { child, done };
}

describe('embedded start-up (PGlite data folder)', () => {
  it('migrates, seeds the demo city and its history once, and refuses a second process on the same folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-data-'));
    // A week of history keeps the start short; test/integration/demo-history.test.ts covers the full one.
    const env = { DATABASE_URL: '', DATA_DIR: dir, SEED_DEMO: 'true', DEMO_HISTORY_DAYS: '7' };
    const first = run(env, /jiesu listening/);
    const r1 = await first.done;
    expect(r1.out).toContain('demo city seeded');
    expect(r1.out).toMatch(/demo history seeded: \d+ contacts, \d+ tickets/);
    expect(fs.existsSync(path.join(dir, '.jiesu.lock'))).toBe(true);

    const second = run(env, /in use by another jiesu process/);
    const r2 = await second.done;
    expect(r2.out).toMatch(/in use by another jiesu process \(pid \d+\)/);
    second.child.kill('SIGKILL');

    first.child.kill('SIGTERM');
    await new Promise((r) => first.child.once('exit', r));
    expect(fs.existsSync(path.join(dir, '.jiesu.lock'))).toBe(false);

    // Second start on the same folder: data kept, nothing seeded twice.
    const third = run(env, /jiesu listening/);
    const r3 = await third.done;
    expect(r3.out).not.toContain('demo city seeded');
    expect(r3.out).not.toContain('demo history seeded');
    // Ctrl-C under `npm start`: the terminal's SIGINT and cross-env's forwarded one arrive together; the second
    // joins the graceful stop instead of killing the process mid-stop (the lock would stay behind).
    let thirdOut = '';
    third.child.stdout.on('data', (d) => (thirdOut += d));
    const exited = new Promise<number | null>((r) => third.child.once('exit', (code) => r(code)));
    third.child.kill('SIGINT');
    third.child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(thirdOut).toMatch(/"msg":"stopped"/);
    expect(fs.existsSync(path.join(dir, '.jiesu.lock'))).toBe(false);
    removeDataDir(dir);
  }, 360_000);

  it('starts empty with SEED_DEMO=false: migrated, no city, no accounts, no tickets', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-data-'));
    const started = run({ DATABASE_URL: '', DATA_DIR: dir, SEED_DEMO: 'false' }, /jiesu listening/);
    const r = await started.done;
    expect(r.out).not.toContain('demo city seeded');
    const exited = new Promise((res) => started.child.once('exit', res));
    started.child.kill('SIGTERM');
    await exited;
    const db = await connect({ dataDir: dir });
    try {
      const [row] = await db.query<{ units: number; users: number; tickets: number; migrated: number }>(
        `select (select count(*) from units)::int as units, (select count(*) from users)::int as users,
                (select count(*) from tickets)::int as tickets, (select count(*) from drizzle.__drizzle_migrations)::int as migrated`,
      );
      expect(row).toMatchObject({ units: 0, users: 0, tickets: 0 });
      expect(row!.migrated).toBeGreaterThan(0);
    } finally {
      await db.close();
      removeDataDir(dir);
    }
  }, 180_000);

  it('takes over a lock left by a process that no longer exists', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-data-'));
    fs.writeFileSync(path.join(dir, '.jiesu.lock'), '999999');
    const db = await connect({ dataDir: dir });
    await expect(connect({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
    await db.close();
    removeDataDir(dir);
  }, 60_000);
});
