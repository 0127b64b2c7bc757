/** What the backup tests make and read back: the same tickets through the API before and after a restore. */
import { expect } from 'vitest';
import type { Database } from '../../db/client.ts';
import { sealAudit, verifyChain } from '../../src/domain/audit-chain.ts';
import { makeDeps } from '../setup/db.ts';
import { startApi } from '../setup/server.ts';
import { callBody, makeWorld, type World } from '../setup/world.ts';

/** Three tickets through the API (one dispatched), read back as the admin sees them; the audit chain sealed. */
export async function makeTickets(database: Database) {
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
    expect(
      (await api.call('POST', `/api/tickets/${v.id}/dispatch`, { token: w.dispatcher.token, body: { version: v.version, leadUnitId: w.units.streetA.id } }))
        .status,
    ).toBe(200);
    const views = await readBack(database, w, ids);
    await sealAudit(deps.db, { wait: true });
    const report = await verifyChain(deps.db);
    expect(report).toMatchObject({ ok: true, unsealed: { count: 0 } });
    return { w, ids, views, chain: { checked: report.checked, lastMac: report.seal!.lastMac } };
  } finally {
    await api.close();
  }
}

/** What the API answers for these tickets on this database (detail and history). */
export async function readBack(database: Database, w: World, ids: number[]) {
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

/**
 * The audit log after a restore: still append-only, and its chain intact — the same sealed rows, ending at the
 * same seal, verified with the same key; rows written since (the read-back) seal onto it and verify too.
 */
export async function expectAuditAppendOnly(database: Database, chain?: { checked: number; lastMac: string }) {
  await expect(database.query(`update audit_log set ip = '0.0.0.0'`)).rejects.toThrow(/append-only/);
  await expect(database.query(`delete from audit_log`)).rejects.toThrow(/append-only/);
  const [n] = await database.query<{ n: number }>('select count(*)::int as n from audit_log');
  expect(n!.n).toBeGreaterThan(0);
  const restored = await verifyChain(database.db);
  expect(restored).toMatchObject({ ok: true, firstBroken: null });
  if (chain) expect({ checked: restored.checked, lastMac: restored.seal?.lastMac }).toEqual(chain);
  await sealAudit(database.db, { wait: true });
  expect(await verifyChain(database.db)).toMatchObject({ ok: true, unsealed: { count: 0 }, checked: n!.n });
}
