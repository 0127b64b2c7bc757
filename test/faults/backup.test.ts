/**
 * Issue 6 §6 — backup and restore, as docs/operations.md tells an operator to do them:
 * - PostgreSQL: pg_dump -Fc, pg_restore into a new database, the app started on it reads the same tickets
 *   through the API, and the audit log is still append-only (its trigger came along). Its own throw-away
 *   server, so it runs in both CI passes; without the PostgreSQL binaries it fails loudly.
 * - PGlite: `npm run db:backup` (dumpDataDir) and `db:restore` into a new folder, and a plain copy of the
 *   stopped app's folder: both open with the same tickets.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connect, migrate, type Database } from '../../db/client.ts';
import { backupPglite, restorePglite } from '../../src/cli/backup.ts';
import { makeDeps } from '../setup/db.ts';
import { startApi } from '../setup/server.ts';
import { callBody, makeWorld, type World } from '../setup/world.ts';
import { startPgServer, type PgServer } from './pg-server.ts';

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

/** Three tickets through the API (one dispatched), read back as the admin sees them. */
async function makeTickets(database: Database) {
  const deps = makeDeps(database);
  const w = await makeWorld(deps.db);
  const api = await startApi(deps);
  try {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api.call('POST', '/api/tickets', { token: w.operator.token, body: callBody(w.category.id, { caller: { phone: `1370000000${i}` } }) });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    const v = (await api.call('GET', `/api/tickets/${ids[0]}`, { token: w.dispatcher.token })).body;
    expect((await api.call('POST', `/api/tickets/${v.id}/dispatch`, { token: w.dispatcher.token, body: { version: v.version, leadUnitId: w.units.streetA.id } })).status).toBe(200);
    return { w, ids, views: await readBack(database, w, ids) };
  } finally {
    await api.close();
  }
}

/** What the API answers for these tickets on this database (detail and history). */
async function readBack(database: Database, w: World, ids: number[]) {
  const api = await startApi(makeDeps(database));
  try {
    const out = [];
    for (const id of ids) {
      const t = await api.call('GET', `/api/tickets/${id}`, { token: w.dispatcher.token });
      expect(t.status).toBe(200);
      const e = await api.call('GET', `/api/tickets/${id}/events`, { token: w.dispatcher.token });
      out.push({
        number: t.body.number,
        status: t.body.status,
        content: t.body.content,
        phone: t.body.caller.phone,
        assignments: t.body.assignments.map((a: { unit: { id: number }; status: string }) => [a.unit.id, a.status]),
        events: e.body.items.map((x: { type: string; at: string }) => [x.type, x.at]),
      });
    }
    return out;
  } finally {
    await api.close();
  }
}

async function expectAuditAppendOnly(database: Database) {
  await expect(database.query(`update audit_log set ip = '0.0.0.0'`)).rejects.toThrow(/append-only/);
  await expect(database.query(`delete from audit_log`)).rejects.toThrow(/append-only/);
  const [n] = await database.query<{ n: number }>('select count(*)::int as n from audit_log');
  expect(n!.n).toBeGreaterThan(0);
}

describe('PostgreSQL: pg_dump -Fc and pg_restore into a new database', () => {
  let pg: PgServer;
  it('restores every ticket, event and audit row; the app reads them back; the audit log stays append-only', async () => {
    pg = startPgServer(process.env.FAULT_PG_PORT_BACKUP);
    cleanup.push(() => pg.stop());
    const url = (db: string) => Object.assign(new URL(pg.url), { pathname: `/${db}` }).toString();
    pg.run('createdb', ['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres', 'jiesu']);
    const source = await connect({ url: url('jiesu'), max: 5 });
    await migrate(source, url('jiesu'));
    const { w, ids, views } = await makeTickets(source);
    const [counts] = await source.query<{ t: number; e: number; a: number }>(
      'select (select count(*)::int from tickets) t, (select count(*)::int from ticket_events) e, (select count(*)::int from audit_log) a',
    );
    await source.close();

    // Exactly the commands of docs/operations.md.
    const dump = path.join(pg.tmp, 'jiesu.dump');
    pg.run('pg_dump', ['-Fc', '-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres', '-d', 'jiesu', '-f', dump]);
    expect(fs.statSync(dump).size).toBeGreaterThan(1000);
    pg.run('createdb', ['-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres', 'jiesu_restored']);
    pg.run('pg_restore', ['--exit-on-error', '--no-owner', '-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres', '-d', 'jiesu_restored', dump]);

    const restored = await connect({ url: url('jiesu_restored'), max: 5 });
    try {
      // The migration history came along: starting the app on it applies nothing new.
      await migrate(restored, url('jiesu_restored'));
      const [after] = await restored.query<{ t: number; e: number; a: number }>(
        'select (select count(*)::int from tickets) t, (select count(*)::int from ticket_events) e, (select count(*)::int from audit_log) a',
      );
      // Reading back through the API audits reads of full caller details: only audit rows may have grown.
      expect({ t: after!.t, e: after!.e }).toEqual({ t: counts!.t, e: counts!.e });
      expect(after!.a).toBeGreaterThanOrEqual(counts!.a);
      expect(await readBack(restored, w, ids)).toEqual(views);
      // Identities continue after the restored rows: a new ticket does not collide.
      const api = await startApi(makeDeps(restored));
      const r = await api.call('POST', '/api/tickets', { token: w.operator.token, body: callBody(w.category.id) });
      await api.close();
      expect(r.status).toBe(201);
      expect(r.body.id).toBeGreaterThan(Math.max(...ids));
      await expectAuditAppendOnly(restored);
    } finally {
      await restored.close();
    }
  }, 120_000);
});

describe('PGlite: db:backup / db:restore, and a copy of the stopped folder', () => {
  it('both open with the same tickets, and the audit log stays append-only', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-backup-'));
    cleanup.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const live = path.join(tmp, 'data');
    // Start from the run's migrated template when there is one (PGlite pass): migrating from scratch is slow.
    const template = inject('pgliteTemplate');
    const source = await connect({ dataDir: live, ...(template ? { loadDataDir: new Blob([fs.readFileSync(template)]) } : {}) });
    if (!template) await migrate(source);
    const { w, ids, views } = await makeTickets(source);

    // While the app (here: this connection) holds the folder, a backup refuses rather than read a live folder.
    await expect(backupPglite(live, path.join(tmp, 'refused.tar.gz'))).rejects.toThrow(/in use by another jiesu process/);
    await source.close();

    const file = path.join(tmp, 'jiesu-backup.tar.gz');
    const { bytes } = await backupPglite(live, file);
    expect(bytes).toBeGreaterThan(1000);
    const restoredDir = path.join(tmp, 'restored');
    await restorePglite(file, restoredDir);
    await expect(restorePglite(file, restoredDir)).rejects.toThrow(/not empty/);

    const copyDir = path.join(tmp, 'copied');
    fs.cpSync(live, copyDir, { recursive: true });

    for (const dir of [restoredDir, copyDir]) {
      const db = await connect({ dataDir: dir });
      try {
        expect(await readBack(db, w, ids)).toEqual(views);
        await expectAuditAppendOnly(db);
      } finally {
        await db.close();
      }
    }
  }, 120_000);
});
