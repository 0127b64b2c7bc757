/**
 * Audit: every read of a caller's full contact details and every change is recorded with who,
 * when, what and from which address; admins query it with filters; nothing in the product — not even the
 * application's own database user — can edit or delete it.
 */
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, ticketEvents } from '../../db/schema/index.ts';
import { expectProblem, ticketFlow, leadOf } from '../setup/ticket-flow.ts';
import { api, database, deps, useApiWorld, w } from '../http/api-world.ts';
import { phoneIndex } from '../../src/domain/privacy/caller-index.ts';

useApiWorld({ config: { TRUST_PROXY: true } });

const from = (ip: string) => ({ 'x-forwarded-for': ip });

describe('reads of full caller details', () => {
  it('the ticket detail with the full number is audited with user, role, address, request id and time', async () => {
    const v = await ticketFlow(api, w).create();
    const r = await api.call('GET', `/api/tickets/${v.id}`, { token: w.dispatcher.token, headers: from('198.51.100.20') });
    expect(r.body.caller).toMatchObject({ phone: '13812345678', masked: false });
    const rows = await deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.requestId, r.headers.get('x-request-id')!));
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'read_caller_contact',
        userId: w.dispatcher.id,
        role: 'dispatcher',
        ip: '198.51.100.20',
        targetType: 'ticket',
        targetId: String(v.id),
        at: expect.any(Date),
      }),
    ]);
    // A masked list read is not a read of full details: nothing recorded.
    const list = await api.call('GET', '/api/tickets', { token: w.dispatcher.token, headers: from('198.51.100.21') });
    expect(list.status).toBe(200);
    expect(await deps.db.select().from(auditLog).where(eq(auditLog.ip, '198.51.100.21'))).toEqual([]);
  });

  it("a caller's history by phone is audited with the address", async () => {
    const r = await api.call('GET', '/api/intake/caller-history?phone=13812345678', { token: w.operator.token, headers: from('198.51.100.22') });
    expect(r.status).toBe(200);
    const [row] = await deps.db.select().from(auditLog).where(eq(auditLog.ip, '198.51.100.22'));
    expect(row).toMatchObject({ action: 'read_caller_history', userId: w.operator.id, targetType: 'caller', targetId: phoneIndex('13812345678') });
  });
});

describe('changes', () => {
  it('every ticket change is an event row with who, when, what and the address; admins see the address', async () => {
    const flow = ticketFlow(api, w);
    const v = await flow.create();
    const d = await api.call('POST', `/api/tickets/${v.id}/dispatch`, {
      token: w.dispatcher.token,
      headers: from('198.51.100.30'),
      body: { version: v.version, leadUnitId: w.units.streetA.id },
    });
    expect(d.status).toBe(200);
    const s = await api.call('POST', `/api/assignments/${leadOf(d.body).id}/sign`, {
      token: w.handlerA.token,
      headers: from('198.51.100.31'),
      body: { version: leadOf(d.body).version },
    });
    expect(s.status).toBe(200);
    const events = await deps.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, v.id)).orderBy(ticketEvents.id);
    expect(events.map((e) => [e.type, e.actorId, e.ip])).toEqual([
      ['ticket_created', w.operator.id, '127.0.0.1'],
      ['dispatch', w.dispatcher.id, '198.51.100.30'],
      ['sign', w.handlerA.id, '198.51.100.31'],
    ]);
    expect(events[1]!.requestId).toBe(d.headers.get('x-request-id'));
    const asAdmin = await api.call('GET', `/api/tickets/${v.id}/events`, { token: w.admin.token });
    expect(asAdmin.body.items.map((e: { ip: string }) => e.ip)).toEqual(['127.0.0.1', '198.51.100.30', '198.51.100.31']);
    const asDispatcher = await api.call('GET', `/api/tickets/${v.id}/events`, { token: w.dispatcher.token });
    expect(asDispatcher.body.items[1]).not.toHaveProperty('ip');
  });

  it('an administrative change is an audit row with the address', async () => {
    const r = await api.call('POST', '/api/admin/users', {
      token: w.admin.token,
      headers: from('198.51.100.40'),
      body: { username: 'audited.user', displayName: '审计', password: 'Str0ng&Passw0rd', role: 'operator', unitId: w.units.centre.id },
    });
    expect(r.status).toBe(201);
    const [row] = await deps.db.select().from(auditLog).where(eq(auditLog.ip, '198.51.100.40'));
    expect(row).toMatchObject({ action: 'user_created', userId: w.admin.id, role: 'admin', targetType: 'user', targetId: String(r.body.id) });
  });
});

describe('the audit administrator queries the log', () => {
  it('filters by action, user, target, address and time; newest first; keyset pages; the audit administrator only', async () => {
    const q = (qs: string) => api.call('GET', `/api/audit?${qs}`, { token: w.auditAdmin.token });
    const byIp = await q('ip=198.51.100.20');
    expect(byIp.body.items.map((i: { action: string }) => i.action)).toEqual(['read_caller_contact']);
    const byUser = await q(`userId=${w.operator.id}&action=read_caller_history`);
    expect(byUser.body.items.length).toBeGreaterThanOrEqual(1);
    expect(byUser.body.items.every((i: { userId: number; action: string }) => i.userId === w.operator.id && i.action === 'read_caller_history')).toBe(true);
    const target = byIp.body.items[0];
    const byTarget = await q(`targetType=ticket&targetId=${target.targetId}`);
    expect(byTarget.body.items.map((i: { id: number }) => i.id)).toContain(target.id);

    const all = (await q('limit=500')).body.items as { id: number; at: string }[];
    expect(all.map((i) => i.id)).toEqual([...all.map((i) => i.id)].sort((a, b) => b - a));
    const page = await q(`before=${all[0]!.id}&limit=2`);
    expect(page.body.items.map((i: { id: number }) => i.id)).toEqual(all.slice(1, 3).map((i) => i.id));

    const at = new Date(target.at).getTime();
    const inRange = await q(`from=${new Date(at - 1).toISOString()}&to=${new Date(at + 1).toISOString()}&ip=198.51.100.20`);
    expect(inRange.body.items).toHaveLength(1);
    const after = await q(`from=${new Date(at + 1).toISOString()}&ip=198.51.100.20`);
    expect(after.body.items).toHaveLength(0);

    expectProblem(await q('from=yesterday'), 400, 'validation_failed');
    for (const user of [w.supervisor, w.admin, w.securityAdmin]) expectProblem(await api.call('GET', '/api/audit', { token: user.token }), 403, 'forbidden');
  });
});

describe('the log cannot be edited', () => {
  it('UPDATE, DELETE and TRUNCATE fail for the application’s own database user; INSERT still works', async () => {
    const [row] = await deps.db.select().from(auditLog).limit(1);
    expect(row).toBeDefined();
    // The same connection (and so the same database role) the app uses for everything else.
    for (const stmt of [
      `update audit_log set ip = '0.0.0.0' where id = ${row!.id}`,
      `delete from audit_log where id = ${row!.id}`,
      'delete from audit_log',
      'truncate audit_log',
    ]) {
      await expect(database.query(stmt), stmt).rejects.toSatisfy((e: unknown) => {
        const err = e as { code?: string; message?: string; cause?: { code?: string } };
        return (err.code ?? err.cause?.code) === '42501' && /append-only/.test(String(err.message ?? ''));
      });
    }
    // Through drizzle (as the product's code would), too.
    await expect(deps.db.update(auditLog).set({ action: 'forged' }).where(eq(auditLog.id, row!.id))).rejects.toThrow();
    await expect(deps.db.delete(auditLog).where(eq(auditLog.id, row!.id))).rejects.toThrow();
    const [still] = await deps.db.select().from(auditLog).where(eq(auditLog.id, row!.id));
    expect(still).toEqual(row);
    // No route offers to edit or delete it.
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const r = await api.call(method, `/api/audit`, { token: w.auditAdmin.token, body: method === 'DELETE' ? undefined : {} });
      expect([404, 405]).toContain(r.status);
    }
  });
});
