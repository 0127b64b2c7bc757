/**
 * A throw-away PostgreSQL server of the fault tests' own (they kill it, restore into it): started with
 * .ci/start-postgres.sh, so it needs the server binaries (apt-get install postgresql) and fails loudly
 * without them — these tests never skip.
 */
import { execFile, execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const isRoot = process.getuid?.() === 0;

export type PgServer = {
  url: string;
  port: number;
  tmp: string;
  bin: string;
  /** kill -9 the postmaster and every backend it started (a crash, not a shutdown) */
  crash(): number[];
  /** pg_ctl start on the same data folder (crash recovery runs first) and wait until it accepts; async, so the app keeps serving meanwhile */
  restart(): Promise<void>;
  /** run one of the server's client programs (pg_dump, pg_restore, psql) as the right OS user */
  run(program: string, args: string[], opts?: { input?: string }): string;
  stop(): void;
};

/**
 * port: a fixed one (set FAULT_PG_PORT_* locally to stay in your range); otherwise a random one from
 * 55000–59999, tried up to three times, so the fault test files running in parallel never race for one port.
 */
export function startPgServer(port?: string): PgServer {
  let r!: SpawnSyncReturns<string>;
  for (let attempt = 0; attempt < (port ? 1 : 3); attempt++) {
    const p = port ?? String(55000 + Math.floor(Math.random() * 5000));
    r = spawnSync('bash', [path.join(root, '.ci/start-postgres.sh')], { env: { ...process.env, PG_PORT: p }, encoding: 'utf8' });
    if (r.status === 0) break;
  }
  if (r.status !== 0) {
    throw new Error(
      `Could not start a PostgreSQL server for the fault tests (they need the server binaries: apt-get install postgresql).\n${r.stderr}`,
    );
  }
  const vars = Object.fromEntries([...r.stdout.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  const url = vars.DATABASE_URL!;
  const tmp = vars.PG_TMP!;
  const bin = vars.PG_BIN!;
  const p = Number(new URL(url).port);
  const data = path.join(tmp, 'data');
  const asPg = (file: string, args: string[], input?: string) =>
    isRoot ? execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { encoding: 'utf8', input, cwd: tmp }) : execFileSync(file, args, { encoding: 'utf8', input, cwd: tmp });

  return {
    url,
    port: p,
    tmp,
    bin,
    crash() {
      const pid = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const children = childrenOf(pid);
      const all = [pid, ...children];
      for (const x of all) {
        try {
          process.kill(x, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      return all;
    },
    async restart() {
      const pgCtl = path.join(bin, 'pg_ctl');
      const args = [
        '-D',
        data,
        '-l',
        path.join(tmp, 'server.log'),
        '-w',
        '-t',
        '60',
        '-o',
        `-c listen_addresses=127.0.0.1 -c port=${p} -c unix_socket_directories=${tmp} -c max_connections=300`,
        'start',
      ];
      // pg_ctl start leaves the server running with its output on the log file; stdio must not be awaited.
      await promisify(execFile)(isRoot ? 'runuser' : pgCtl, isRoot ? ['-u', 'postgres', '--', pgCtl, ...args] : args, { cwd: tmp });
    },
    run(program, args, opts = {}) {
      return asPg(path.join(bin, program), args, opts.input);
    },
    stop() {
      try {
        asPg(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* already down */
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Processes whose parent is pid (the postmaster's backends and auxiliary processes). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses: read after the last ')'
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}
