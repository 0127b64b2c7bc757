/**
 * Scale-out, end to end: a PostgreSQL primary partitioned by `npm run db:partition`, a
 * streaming replica, two app instances (`src/main.ts`) reading dashboards from the replica — the second one
 * through pgbouncer in transaction mode — and Debian's nginx in front (started by ./cluster-fixtures.ts). It starts its own servers whatever DATABASE_URL says; it runs once, under `npm run
 * test:debian` (CI installs nginx, pgbouncer and PostgreSQL's client programs for it); without them it fails (never skips).
 */
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { io as connectClient } from 'socket.io-client';
import { connect } from '../../db/client.ts';
import { assignments, units } from '../../db/schema/index.ts';
import { inArray, eq } from 'drizzle-orm';
import { callBody } from '../setup/world.ts';
import {
  apps,
  ATTACHMENT_MAX_BYTES,
  bouncer,
  call,
  db,
  nginx,
  partitionOutput,
  Poller,
  pollers,
  type Res,
  replica,
  socketEvents,
  sockets,
  useCluster,
  w,
  waitFor,
} from './cluster-fixtures.ts';

useCluster();

// Generous per-test limits: on a loaded two-core machine six servers share the CPU with the test itself.
describe('primary + replica + pgbouncer + two instances behind nginx', { timeout: 90_000 }, () => {
  it('started from one partitioned primary; the demo city was seeded once although both instances seeded at once', async () => {
    expect(partitionOutput).toMatch(/ticket_events: converted/);
    expect(partitionOutput).toMatch(/audit_log: converted/);
    const [kinds] = await db.query<{ e: string; a: string }>(
      `select (select relkind::text from pg_class where relname = 'ticket_events') e, (select relkind::text from pg_class where relname = 'audit_log') a`,
    );
    expect(kinds).toEqual({ e: 'p', a: 'p' });
    const centres = await db.db.select().from(units).where(eq(units.code, 'centre'));
    expect(centres).toHaveLength(1);
    expect(apps.filter((a) => a.output().includes('demo city seeded'))).toHaveLength(1);
  });

  it('readiness reports the replica; nginx passes the client address and the instance name', async () => {
    for (const a of apps) {
      const r = await fetch(`${a.base}/readyz`).then((x) => x.json());
      expect(r).toMatchObject({ status: 'ready', database: 'ok', replica: 'ok', replicaInRecovery: true });
    }
    const served = new Set<string>();
    for (let i = 0; i < 6; i++) served.add((await call('GET', '/readyz', w.operator.token)).servedBy!);
    expect([...served].sort()).toEqual(['app1', 'app2']);
    // From 127.0.0.7 with a forged X-Forwarded-For: the app (TRUST_PROXY) records the address nginx saw.
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${nginx.base}/api/auth/login`,
        { method: 'POST', localAddress: '127.0.0.7', headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' } },
        (res) => (res.resume(), res.on('end', () => resolve(res.statusCode!))),
      );
      req.on('error', reject);
      req.end(JSON.stringify({ username: 'xff-probe', password: 'wrong-password-1' }));
    });
    expect(status).toBe(401);
    const audited = await db.query<{ ip: string; p: string }>(
      `select ip, tableoid::regclass::text as p from audit_log where action = 'login_failed' and target_id = 'xff-probe'`,
    );
    expect(audited).toEqual([{ ip: '127.0.0.7', p: expect.stringMatching(/^audit_log_/) }]);
  });

  it('intake through nginx lands on both instances, round-robin', async () => {
    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await call(
        'POST',
        '/api/tickets',
        w.operator.token,
        callBody(w.category.id, { caller: { name: '钱先生', phone: `1390000${String(1000 + i)}` } }),
      );
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      served.push(r.servedBy!);
    }
    expect(served.filter((s) => s === 'app1').length).toBeGreaterThanOrEqual(2);
    expect(served.filter((s) => s === 'app2').length).toBeGreaterThanOrEqual(2);
  });

  it('an attachment over ATTACHMENT_MAX_BYTES reaches the app through nginx and gets its 413 problem', async () => {
    const t = await call('POST', '/api/tickets', w.operator.token, callBody(w.category.id));
    const res = await fetch(`${nginx.base}/api/tickets/${t.body.id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.operator.token}`, 'content-type': 'application/octet-stream', 'x-file-name': 'big.pdf' },
      body: new Uint8Array(ATTACHMENT_MAX_BYTES + 64 * 1024),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('payload_too_large');
  });

  it('live events cross instances: a socket on one instance hears a ticket created on the other', async () => {
    // Long-polling through nginx: sticky, so every poll reaches the instance holding the session.
    const poller = new Poller(nginx.base);
    pollers.push(poller);
    await poller.connect(w.supervisor.token);
    // And a WebSocket through nginx (Upgrade headers passed on).
    const ws = connectClient(nginx.base, { auth: { token: w.dispatcher.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(ws);
    const wsGot = socketEvents(ws);
    await new Promise<void>((resolve, reject) => (ws.once('connect', () => resolve()), ws.once('connect_error', reject)));

    const [home] = [...poller.servedBy];
    expect(poller.servedBy.size).toBe(1); // every poll on one instance
    // Create tickets until one is served by the other instance.
    let other: Res | undefined;
    for (let i = 0; i < 6 && !other; i++) {
      const r = await call(
        'POST',
        '/api/tickets',
        w.operator.token,
        callBody(w.category.id, { caller: { name: '孙女士', phone: `1370000${String(2000 + i)}` } }),
      );
      expect(r.status).toBe(201);
      if (r.servedBy !== home) other = r;
    }
    expect(other, 'a request served by the other instance').toBeTruthy();
    const ticketId = other!.body.id as number;
    await waitFor('the polling socket to hear the other instance', () => poller.events.some((e) => e.ticketId === ticketId && e.type === 'ticket_created'));
    await waitFor('the WebSocket to hear it', () => wsGot.some((e) => e.ticketId === ticketId && e.type === 'ticket_created'));
    expect(poller.servedBy).toEqual(new Set([home]));
  });

  it('two instances sweeping every second fire each SLA warning exactly once; a socket hears none twice', async () => {
    const poller = pollers[0]!;
    const ticketIds: number[] = [];
    for (let i = 0; i < 12; i++) {
      const t = await call(
        'POST',
        '/api/tickets',
        w.operator.token,
        callBody(w.category.id, { caller: { name: '周先生', phone: `1360000${String(3000 + i)}` } }),
      );
      expect(t.status).toBe(201);
      const d = await call('POST', `/api/tickets/${t.body.id}/dispatch`, w.dispatcher.token, { version: t.body.version, leadUnitId: w.units.streetA.id });
      expect(d.status, JSON.stringify(d.body)).toBe(200);
      ticketIds.push(t.body.id);
    }
    const rows = await db.db.select({ id: assignments.id }).from(assignments).where(inArray(assignments.ticketId, ticketIds));
    const ids = rows.map((r) => r.id);
    expect(ids).toHaveLength(12);
    // Every level of the sign clock falls due now, for all twelve at once.
    const at = new Date(Date.now() - 1000).toISOString();
    const marks = (['yellow', 'red', 'overdue'] as const).map((level) => ({ clock: 'sign' as const, level, at }));
    await db.db
      .update(assignments)
      .set({ slaMarks: marks, nextCheckAt: new Date(at) })
      .where(inArray(assignments.id, ids));

    await waitFor('both sweepers to finish', async () => {
      const [r] = await db.query<{ n: number }>(`select count(*)::int as n from assignments where id = any($1) and next_check_at is not null`, [ids]);
      return r!.n === 0;
    });
    const perLevel = await db.query<{ assignment_id: number; level: string; n: number }>(
      `select assignment_id::int, payload->>'level' as level, count(*)::int as n from ticket_events
        where type = 'sla_warning' and assignment_id = any($1) group by 1, 2`,
      [ids],
    );
    expect(perLevel).toHaveLength(36);
    expect(perLevel.every((r) => r.n === 1)).toBe(true);
    const [alerts] = await db.query<{ n: number }>(`select count(*)::int as n from sla_alerts where assignment_id = any($1)`, [ids]);
    expect(alerts!.n).toBe(36);
    const [items] = await db.query<{ n: number }>(`select count(*)::int as n from supervision_items where assignment_id = any($1)`, [ids]);
    expect(items!.n).toBe(24); // one reminder and one supervision per overdue assignment
    // Published once, by whichever instance fired it: the socket hears every warning, and none twice.
    const warnings = () => poller.events.filter((e) => e.type === 'sla_warning' && ids.includes(e.assignmentId!));
    await waitFor('every warning on the socket', () => warnings().length >= 36);
    await new Promise((r) => setTimeout(r, 1000));
    const heard = warnings();
    expect(heard).toHaveLength(36);
    expect(new Set(heard.map((e) => e.id)).size).toBe(heard.length);
    const fired = new Set(
      (await db.query<{ id: number }>(`select id::int from ticket_events where type = 'sla_warning' and assignment_id = any($1)`, [ids])).map((r) => r.id),
    );
    expect(heard.every((e) => fired.has(e.id))).toBe(true);
    // The events landed in this month's partition.
    const parts = await db.query<{ p: string }>(`select distinct tableoid::regclass::text as p from ticket_events where assignment_id = any($1)`, [ids]);
    expect(parts.map((p) => p.p)).toEqual([expect.stringMatching(/^ticket_events_(legacy|p\d{6})$/)]);
  });

  it('dashboards read the replica: its figures follow the primary, its connections are the read pools, and without it intake goes on', async () => {
    // The rollup (every second) counts on the primary; the replica streams it; /api/metrics reads it there.
    // The twelve assignments dispatched to street A above are today's denominator of 回复率（按派单） (the dispatch-day basis; 回复率 counts by the deadline's day).
    const metrics = await waitFor('metrics with today’s dispatches, read from the replica', async () => {
      const r = await call('GET', `/api/metrics?period=day&unitId=${w.units.streetA.id}`, w.supervisor.token);
      return r.status === 200 && r.body.freshness.pendingEvents === 0 && r.body.rows[0]?.metrics.reply_rate_dispatched.denominator === 12 ? r : undefined;
    });
    expect(metrics.body.rows[0].metrics.reply_rate_dispatched).toMatchObject({ numerator: 0, denominator: 12 });
    const ranking = await call('GET', '/api/metrics/rankings?level=street', w.supervisor.token);
    expect(ranking.status, JSON.stringify(ranking.body)).toBe(200);

    const onReplica = await (async () => {
      const r = await connect({ url: replica.url, max: 1 });
      try {
        return (
          await r.query<{ app: string }>(`select distinct application_name as app from pg_stat_activity where application_name like 'jiesu%' order by 1`)
        ).map((x) => x.app);
      } finally {
        await r.close();
      }
    })();
    expect(onReplica).toEqual(expect.arrayContaining(['jiesu-read:app1', 'jiesu-read:app2']));
    expect(onReplica.filter((a) => !a.startsWith('jiesu-read:'))).toEqual([]);
    const onPrimary = (
      await db.query<{ app: string }>(`select distinct application_name as app from pg_stat_activity where application_name like 'jiesu%'`)
    ).map((x) => x.app);
    expect(onPrimary.some((a) => a.startsWith('jiesu-read'))).toBe(false);
    // Both adapters LISTEN on the primary directly, app2's too (DATABASE_SESSION_URL bypasses pgbouncer).
    expect(onPrimary).toEqual(expect.arrayContaining(['jiesu:app1', 'jiesu-realtime:app1', 'jiesu-realtime:app2']));
    // app2's pool is pgbouncer's client (its admin console speaks the simple protocol only: node-postgres).
    const admin = new pg.Client({ connectionString: bouncer.adminUrl });
    await admin.connect();
    try {
      const clients = (await admin.query<{ database: string; application_name?: string }>('SHOW CLIENTS')).rows;
      expect(clients.filter((c) => c.database === 'postgres').map((c) => c.application_name)).toContain('jiesu:app2');
    } finally {
      await admin.end();
    }

    // The replica goes away: dashboards answer 503, readiness says degraded, intake and the lifecycle go on.
    replica.stop('immediate');
    const down = await call('GET', '/api/metrics?period=day', w.supervisor.token);
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('database_unavailable');
    for (const a of apps) {
      const r = await fetch(`${a.base}/readyz`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ status: 'degraded', database: 'ok', replica: 'unreachable' });
    }
    const served = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const r = await call(
        'POST',
        '/api/tickets',
        w.operator.token,
        callBody(w.category.id, { caller: { name: '吴女士', phone: `1350000${String(4000 + i)}` } }),
      );
      expect(r.status).toBe(201);
      served.add(r.servedBy!);
    }
    expect(served.size).toBe(2);
  });
});
