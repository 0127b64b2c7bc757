/**
 * The PostgreSQL backup, as docs/operations.md tells an operator to do it: pg_dump -Fc, pg_restore
 * into a new database, the app started on it reads the same tickets through the API, and the audit log is still
 * append-only (its trigger came along). Its own throw-away server from Debian's binaries: pg_dump and pg_restore
 * come with no npm package, so this runs under `npm run test:debian` (apt-get install postgresql) and fails
 * loudly without them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, migrate } from '../../db/client.ts';
import { makeDeps } from '../setup/db.ts';
import { startApi } from '../setup/server.ts';
import { callBody } from '../setup/world.ts';
import { startPgServer, type PgServer } from '../setup/postgres.ts';
import { expectAuditAppendOnly, makeTickets, readBack } from './backup-fixture.ts';

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

describe('PostgreSQL: pg_dump -Fc and pg_restore into a new database', () => {
  let pg: PgServer;
  it('restores every ticket, event and audit row; the app reads them back; the audit log stays append-only with its chain intact', async () => {
    pg = startPgServer({ tools: ['pg_dump', 'pg_restore'], port: process.env.FAULT_PG_PORT_BACKUP ? Number(process.env.FAULT_PG_PORT_BACKUP) : undefined });
    cleanup.push(() => pg.stop());
    const url = pg.urlFor;
    await createDatabase(pg, 'jiesu');
    const source = await connect({ url: url('jiesu'), max: 5 });
    await migrate(source, url('jiesu'));
    const { w, ids, views, chain } = await makeTickets(source);
    const [counts] = await source.query<{ t: number; e: number; a: number }>(
      'select (select count(*)::int from tickets) t, (select count(*)::int from ticket_events) e, (select count(*)::int from audit_log) a',
    );
    await source.close();

    // Exactly the commands of docs/operations.md.
    const dump = path.join(pg.dir, 'jiesu.dump');
    pg.run('pg_dump', ['-Fc', '-h', '127.0.0.1', '-p', String(pg.port), '-U', 'postgres', '-d', 'jiesu', '-f', dump]);
    expect(fs.statSync(dump).size).toBeGreaterThan(1000);
    await createDatabase(pg, 'jiesu_restored');
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
      await expectAuditAppendOnly(restored, chain);
    } finally {
      await restored.close();
    }
  }, 120_000);
});

async function createDatabase(pg: PgServer, name: string) {
  const admin = await connect({ url: pg.url, max: 1 });
  await admin.query(`create database ${name}`);
  await admin.close();
}
