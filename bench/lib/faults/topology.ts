/**
 * The fault run's deployment: two product instances (`src/main.ts` children, jobs on with the SLA sweep every
 * second on both, so that only the database's row locks decide who fires a mark) on one PostgreSQL database,
 * Debian's nginx in front (src/ops/nginx/jiesu.conf), and staff users with API tokens for the socket clients.
 * Started with test/setup/cluster.ts, as the cluster test starts its own.
 */
import type postgres from 'postgres';
import { hashToken, newToken } from '../../../src/domain/auth/tokens.ts';
import { TEST_KEYS } from '../../../src/domain/privacy/keyring.ts';
import { nginxBin, onFreePort, range, removeDir, startInstance, startNginx, type AppInstance, type Nginx } from '../../../test/setup/cluster.ts';

export type Topology = { apps: AppInstance[]; nginx: Nginx; stop(): Promise<void> };

/** Debian's nginx, or an error that says what is missing: the fault run never passes without it. */
export function requireNginx(): string {
  try {
    return nginxBin();
  } catch {
    throw new Error('faults: Debian nginx is required (apt-get install nginx) — the fault run puts two instances behind it; nothing was measured');
  }
}

export async function startTopology(url: string, o: { sweepBatch: number }): Promise<Topology> {
  requireNginx();
  const env = {
    DATABASE_URL: url,
    SEED_DEMO: 'false',
    JOBS: 'true',
    SLA_SWEEP_CRON: '* * * * * *',
    // Small batches, so that both sweepers take turns at the same due marks.
    SLA_SWEEP_BATCH_SIZE: String(o.sweepBatch),
    TRUST_PROXY: 'true',
    JIESU_KEYS: JSON.stringify(TEST_KEYS),
    DATABASE_POOL_MAX: '10',
  };
  const apps: AppInstance[] = [];
  try {
    // One after the other: both would migrate at once (safe, but slower on two cores).
    apps.push(await onFreePort(range(38200, 38239), (port) => startInstance('app1', port, env, 120_000, { quiet: true })));
    apps.push(await onFreePort(range(38240, 38279), (port) => startInstance('app2', port, env, 120_000, { quiet: true })));
    const nginx = await onFreePort(range(38280, 38299), (port) =>
      startNginx(
        port,
        apps.map((a) => `127.0.0.1:${a.port}`),
        10 * 1024 * 1024,
      ),
    );
    return {
      apps,
      nginx,
      async stop() {
        await nginx.stop();
        await Promise.all(apps.map((a) => a.stop()));
        removeDir(nginx.dir);
      },
    };
  } catch (err) {
    await Promise.all(apps.map((a) => a.stop()));
    throw err;
  }
}

/** `n` staff users (dispatchers and supervisors of the centre: every ticket event reaches them) with API tokens. */
export async function staffTokens(sql: postgres.Sql, n: number, run: string): Promise<string[]> {
  const [centre] = await sql<{ id: number }[]>`select id from units where kind = 'centre'`;
  const users = Array.from({ length: n }, (_, i) => {
    const token = newToken('jst');
    return { username: `faults-${run}-${i}`, role: i % 2 ? 'supervisor' : 'dispatcher', hash: hashToken(token), token };
  });
  await sql`
    with u as (
      insert into users (username, display_name, password_hash, role, unit_id)
      select x.username, x.username, '!', x.role::role, ${centre!.id} from jsonb_to_recordset(${sql.json(users as never)}) as x(username text, role text)
      returning id, username)
    insert into api_tokens (name, token_hash, prefix, user_id)
    select 'faults ' || x.username, x.hash, left(x.hash, 12), u.id from jsonb_to_recordset(${sql.json(users as never)}) as x(username text, hash text) join u using (username)`;
  return users.map((u) => u.token);
}
