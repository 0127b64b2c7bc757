/** Generated databases on the bench server, kept between runs: `bench_<label>` with its generation record in bench.meta. */
import postgres from 'postgres';
import { pino } from 'pino';
import { connect, migrate } from '../../db/client.ts';
import { seedDemo } from '../../src/seed/city.ts';
import { adminQuery, dbExists, type PgServer } from './pg.ts';
import { generate, GENERATOR_VERSION, type GenerateResult } from './generate.ts';
import { fillLedger } from './generate/ledger.ts';

export const silentLogger = pino({ level: 'silent' });

/** A fresh database, migrated and seeded with the demo city (dropped first if it exists). */
export async function freshSeededDb(server: PgServer, name: string): Promise<string> {
  await adminQuery(server, `drop database if exists ${name} with (force)`);
  await adminQuery(server, `create database ${name}`);
  const url = server.url(name);
  const database = await connect({ url, max: 2 });
  try {
    await migrate(database, url);
    await seedDemo(database.db);
  } finally {
    await database.close();
  }
  return url;
}

async function migrateKept(url: string) {
  const database = await connect({ url, max: 2 });
  try {
    await migrate(database, url);
  } finally {
    await database.close();
  }
}

export type Dataset = { name: string; url: string; tickets: number; generated: GenerateResult & { at: string }; reused: boolean };

export async function ensureDataset(server: PgServer, label: string, n: number, log: (m: string) => void): Promise<Dataset> {
  const name = `bench_${label}`;
  if (await dbExists(server, name)) {
    const sql = postgres(server.url(name), { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`select value from bench.meta where key = 'generated'`.catch(() => []);
      const meta = rows[0]?.value as (GenerateResult & { at: string; requested: number; generator?: number }) | undefined;
      // A dataset from another version of the generator is generated again (its events and rollups differ), and so
      // is one whose kept lifecycles (bench.t, an unlogged table) the server emptied when it restarted after a crash.
      const [lost] = await sql`select to_regclass('bench.t') is not null and not exists (select 1 from bench.t) as empty`.catch(() => [{ empty: false }]);
      if (lost?.empty) log(`${name}: its kept lifecycles were lost in a server crash (unlogged), generating it again…`);
      else if (meta && meta.requested === n && meta.generator === GENERATOR_VERSION) {
        // Kept datasets follow the schema: pending migrations run (a new rollup grain backfills itself from
        // the existing rollups in its migration), so a schema change does not mean regenerating 10 M tickets.
        await migrateKept(server.url(name));
        return { name, url: server.url(name), tickets: n, generated: meta, reused: true };
      }
      // Version 2 lacks only the drill-down ledger: computed from the kept lifecycles (bench.t) rather than generating again.
      const [kept] = await sql`select to_regclass('bench.t') is not null as ok`;
      if (meta && meta.requested === n && meta.generator === 2 && kept?.ok) {
        await migrateKept(server.url(name));
        log(`adding the drill-down ledger to ${name}…`);
        const t0 = performance.now();
        const ledgerRows = await fillLedger(sql, server.url(name), n);
        const seconds = { ...meta.seconds, ledger: Math.round((performance.now() - t0) / 100) / 10 };
        const generated = { ...meta, ledgerRows, seconds, generator: GENERATOR_VERSION };
        await sql`update bench.meta set value = ${sql.json(generated as never)} where key = 'generated'`;
        log(`  ledger: ${ledgerRows.toLocaleString('en')} rows in ${seconds.ledger} s`);
        return { name, url: server.url(name), tickets: n, generated, reused: true };
      }
    } finally {
      await sql.end();
    }
  }
  log(`generating ${name} (${n.toLocaleString('en')} tickets)…`);
  const t0 = performance.now();
  const url = await freshSeededDb(server, name);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const r = await generate(sql, url, n, log);
    const generated = {
      ...r,
      at: new Date().toISOString(),
      requested: n,
      generator: GENERATOR_VERSION,
      totalSeconds: Math.round((performance.now() - t0) / 100) / 10,
    };
    await sql.unsafe(`create table if not exists bench.meta (key text primary key, value jsonb not null)`);
    await sql`insert into bench.meta (key, value) values ('generated', ${sql.json(generated as never)}) on conflict (key) do update set value = excluded.value`;
    log(`  total: ${generated.totalSeconds} s`);
    return { name, url, tickets: n, generated, reused: false };
  } finally {
    await sql.end();
  }
}
