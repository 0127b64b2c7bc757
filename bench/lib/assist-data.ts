/**
 * The assist section's dataset (`bench_assist_<label>`): the demo city seeded, and n closed tickets spread over the
 * last 700 days whose text, channel, street, final category and final lead unit come from the demo corpus
 * (src/demo/corpus.ts: the demo's phrasings with their noise, the catalogue's dispatch) — what retraining reads.
 * The main datasets (lib/generate.ts) are no use here: their tickets all say "合成的诉求内容". A pool of up to
 * POOL distinct labelled demands is drawn once and the tickets cycle through it (the cost of training is per ticket:
 * every ticket is segmented and counted whether or not its text was seen before). Kept between runs while its
 * record in bench.meta ('assist') matches; the models trained on it are dropped before each run.
 */
import postgres from 'postgres';
import { generateCorpus, inSeededIds, SEEDED_CATEGORY_PATHS, type SeededDemand } from '../../src/demo/corpus.ts';
import { hashPassword } from '../../src/domain/auth/password.ts';
import { DEMO_PASSWORD } from '../../src/seed/city.ts';
import { freshSeededDb } from './datasets.ts';
import { dbExists, type PgServer } from './pg.ts';

const POOL = 20_000;
const VERSION = 1;
const DAY_MS = 86_400_000;

export type AssistDataset = { name: string; url: string; tickets: number; reused: boolean; seconds: number; pool: Pool };
export type Pool = SeededDemand[];

/** The corpus, its ids translated to the seeded database's (src/demo/corpus.ts inSeededIds). */
async function poolFor(sql: postgres.Sql, size: number): Promise<Pool> {
  const perDay = Math.max(1, Math.ceil(size / 300));
  const corpus = generateCorpus({ seed: 'bench assist', from: new Date('2025-01-01T00:00:00+08:00'), days: 400, perDay }).slice(0, size);
  const categories = await sql.unsafe<{ id: number; path: string }[]>(SEEDED_CATEGORY_PATHS);
  const units = await sql<{ id: number; name: string; kind: string }[]>`select id, name, kind from units`;
  return inSeededIds(corpus, { categories, units });
}

/**
 * operator1 as seeded: the latency run signs in with the demo password, which outside demo mode must be changed
 * first (lib/sessions.ts) — on a kept dataset the last run's change is undone, its password history with it.
 */
async function resetOperator(sql: postgres.Sql) {
  const [u] = await sql`select id from users where username = 'operator1'`;
  await sql`delete from password_history where user_id = ${u!.id}`;
  await sql`update users set password_hash = ${await hashPassword(DEMO_PASSWORD)}, must_change_password = true where id = ${u!.id}`;
}

/** The dataset of `n` closed tickets, generated (or reused); `now` anchors the 700 days they closed in. */
export async function ensureAssistDataset(server: PgServer, label: string, n: number, log: (m: string) => void): Promise<AssistDataset> {
  const name = `bench_assist_${label}`;
  const url = server.url(name);
  const t0 = performance.now();
  if (await dbExists(server, name)) {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [meta] = await sql`select value from bench.meta where key = 'assist'`.catch(() => []);
      const v = meta?.value as { n: number; version: number; at: string } | undefined;
      // Reused only while the tickets still fall inside the training window (they closed in the 700 days before `at`).
      if (v && v.n === n && v.version === VERSION && Date.now() - new Date(v.at).getTime() < 20 * DAY_MS) {
        await sql`delete from assist_suggestions`;
        await sql`delete from assist_models`;
        await resetOperator(sql);
        return { name, url, tickets: n, reused: true, seconds: 0, pool: await poolFor(sql, Math.min(n, POOL)) };
      }
    } finally {
      await sql.end();
    }
  }
  log(`generating ${name} (${n.toLocaleString('en')} closed tickets with the demo's text)…`);
  await freshSeededDb(server, name);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const pool = await poolFor(sql, Math.min(n, POOL));
    await sql.unsafe(
      'create schema if not exists bench; create table bench.assist_pool (i int primary key, title text, content text, channel channel, street int, category int, lead int)',
    );
    for (let from = 0; from < pool.length; from += 1000) {
      const rows = pool.slice(from, from + 1000).map((p, k) => ({ i: from + k, ...p }));
      await sql`insert into bench.assist_pool ${sql(rows, 'i', 'title', 'content', 'channel', 'street', 'category', 'lead')}`;
    }
    const [op] = await sql`select id from users where role = 'operator' order by id limit 1`;
    await sql.unsafe(`set session_replication_role = replica`);
    // One statement per 100,000 tickets, so a 1 M run shows progress and no single statement holds it all.
    const at = new Date();
    for (let from = 1; from <= n; from += 100_000) {
      const to = Math.min(n, from + 99_999);
      await sql.unsafe(
        `with g as (select g, now() - (g::float8 / ${n}) * interval '700 days' as closed_at from generate_series(${from}, ${to}) g),
        t as (
          insert into tickets (number, status, channel, type, urgency, category_id, title, content, street_unit_id, close_reason, created_by, created_at, updated_at, status_changed_at, dispatched_at, closed_at)
          select 'A' || lpad(g::text, 9, '0'), 'closed', p.channel, 'complaint', 'normal', p.category, p.title, p.content, p.street, 'completed', ${op!.id},
            closed_at - interval '3 days', closed_at, closed_at, closed_at - interval '70 hours', closed_at
          from g join bench.assist_pool p on p.i = g % ${pool.length}
          returning id, street_unit_id, dispatched_at, closed_at, (select lead from bench.assist_pool p2 where p2.i = (substr(number, 2)::int % ${pool.length})) as lead)
        insert into assignments (ticket_id, unit_id, role, status, dispatched_at, ended_at)
        select id, lead, 'lead', 'closed', dispatched_at, closed_at from t`,
      );
      log(`  ${to.toLocaleString('en')} tickets`);
    }
    await sql.unsafe(`set session_replication_role = default`);
    await sql.unsafe('analyze tickets; analyze assignments');
    await sql.unsafe('create table if not exists bench.meta (key text primary key, value jsonb not null)');
    const value = { n, version: VERSION, at: at.toISOString() };
    await sql`insert into bench.meta (key, value) values ('assist', ${sql.json(value)}) on conflict (key) do update set value = excluded.value`;
    const seconds = Math.round((performance.now() - t0) / 100) / 10;
    log(`  generated in ${seconds} s`);
    return { name, url, tickets: n, reused: false, seconds, pool };
  } finally {
    await sql.end();
  }
}
