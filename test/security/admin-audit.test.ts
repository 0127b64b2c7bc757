/**
 * Every request of the three administrators is audited, reads included (三权分立; src/domain/security/admin-audit.ts,
 * done once in the route pipeline): the walk sends every API route each administrator may call — with the access
 * matrix's minimal request (expectations.ts) — and a route each may not, under a request id of its own, and reads
 * the audit rows of that request id. Each request has either rows its command wrote (`audit_read`,
 * `user_role_changed`…) or exactly one generic row (`admin_read` for a GET, `admin_request` otherwise), never both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.ts';
import type { AnyRoute } from '../../src/http/route.ts';
import { apiRoutes } from '../../src/http/routes/index.ts';
import { ADMIN_READ, ADMIN_REQUEST } from '../../src/domain/security/admin-audit.ts';
import { EXPECTATIONS, routeKey } from './expectations.ts';
import { makeSecurityWorld, urlOf, type SecurityWorld } from './fixtures.ts';

let sw: SecurityWorld;
beforeAll(async () => {
  sw = await makeSecurityWorld();
});
afterAll(async () => {
  await sw?.close();
});

const ADMINS = ['admin', 'security_admin', 'audit_admin'] as const;
type Admin = (typeof ADMINS)[number];
const mayCall = (r: AnyRoute, role: Admin) => r.access === 'public' || r.access === 'authenticated' || r.access.includes(role);
const GENERIC = [ADMIN_READ, ADMIN_REQUEST];

let sent = 0;
/** Sends the route's minimal request as `subject` under a fresh request id; answers the status and that request's audit rows. */
async function sendAudited(subject: Admin, r: AnyRoute) {
  const entry = EXPECTATIONS[routeKey(r)];
  const req = (await entry?.req?.(sw.fx)) ?? {};
  // The public look-up is rate-limited per address; the fixed clock moves past the window between calls.
  if (r.access === 'public') sw.deps.clock.advance(61_000);
  const requestId = `admin-audit-${subject}-${++sent}`;
  const res = await sw.send(subject, r.method.toUpperCase(), urlOf(r.path, req), { ...req, headers: { ...req.headers, 'x-request-id': requestId } });
  const rows = await sw.deps.db.select().from(auditLog).where(eq(auditLog.requestId, requestId));
  return { res, rows };
}

describe.each(ADMINS)('%s', (subject) => {
  it('every route it may call leaves its own audit rows or one generic row, never neither and never both', async () => {
    const user = sw.users[subject];
    const routes = apiRoutes.filter((r) => mayCall(r, subject));
    expect(routes.length).toBeGreaterThan(3);
    const failures: string[] = [];
    const generic: string[] = [];
    for (const r of routes) {
      const { res, rows } = await sendAudited(subject, r);
      const key = routeKey(r);
      if (res.status >= 500) failures.push(`${key}: ${res.status} ${res.text.slice(0, 200)}`);
      const mine = rows.filter((row) => row.userId === user.id);
      const gen = rows.filter((row) => GENERIC.includes(row.action));
      if (!mine.length) failures.push(`${key} (${res.status}): no audit row of ${subject}`);
      else if (gen.length && rows.length !== 1) failures.push(`${key}: the generic row beside the route's own: ${rows.map((x) => x.action)}`);
      else if (gen.length) {
        generic.push(key);
        const [row] = gen;
        const want = {
          action: r.method === 'get' ? ADMIN_READ : ADMIN_REQUEST,
          userId: user.id,
          role: subject,
          targetType: null,
          details: expect.objectContaining({ method: r.method.toUpperCase(), route: r.path, status: res.status }),
        };
        try {
          expect(row).toMatchObject(want);
          if (res.status >= 400) expect(row!.details.code).toBe(res.body?.code);
        } catch (e) {
          failures.push(`${key}: ${(e as Error).message.split('\n')[0]} — ${JSON.stringify(row)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // The reads the audit found unrecorded are now recorded by the generic row.
    const reads: Record<Admin, string[]> = {
      admin: ['GET /api/admin/users', 'GET /api/units'],
      security_admin: [
        'GET /api/security/users',
        'GET /api/security/sessions',
        'GET /api/security/tokens',
        'GET /api/security/keys',
        'GET /api/security/second-factor-policy',
      ],
      audit_admin: ['GET /api/audit/status'],
    };
    expect(generic).toEqual(expect.arrayContaining(reads[subject]));
    // Routes that audit themselves keep their own row alone, streamed downloads (export, attachment) included.
    const own: Record<Admin, string[]> = {
      admin: ['GET /api/tickets/export', 'GET /api/attachments/:id', 'GET /api/tickets/:id', 'POST /api/admin/users/:id/deactivate'],
      security_admin: ['POST /api/security/users/:id/password-reset', 'GET /api/security/login-failures'],
      audit_admin: ['GET /api/audit', 'GET /api/audit/verify', 'GET /api/audit/export'],
    };
    expect(routes.map(routeKey)).toEqual(expect.arrayContaining(own[subject]));
    expect(generic.filter((k) => own[subject].includes(k))).toEqual([]);
    console.log(
      `[security] ${subject}: ${routes.length} routes, each audited (${generic.length} by the generic row, ${routes.length - generic.length} by their own)`,
    );
  });

  it('a route it may not call is refused, and the attempt is audited', async () => {
    const r = apiRoutes.find((x) => !mayCall(x, subject) && x.method === 'get' && !x.path.includes(':'))!;
    const { res, rows } = await sendAudited(subject, r);
    expect(res.status).toBe(403);
    expect(rows).toEqual([
      expect.objectContaining({
        action: ADMIN_READ,
        userId: sw.users[subject].id,
        details: { method: 'GET', route: r.path, params: {}, query: expect.any(Array), status: 403, code: 'forbidden' },
      }),
    ]);
  });
});

it('other roles get no generic row: the pipeline audits administrators only', async () => {
  const requestId = 'admin-audit-operator';
  const res = await sw.send('operator', 'GET', '/api/units', { headers: { 'x-request-id': requestId } });
  expect(res.status).toBe(200);
  expect(await sw.deps.db.select().from(auditLog).where(eq(auditLog.requestId, requestId))).toEqual([]);
});
