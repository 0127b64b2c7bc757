import { z } from 'zod';
import { auditStatus, exportAuditLog, readAuditLog, verifyAuditLog } from '../../domain/audit-admin.ts';
import { route, type AnyRoute } from '../route.ts';

/** The audit administrator's (审计管理员) routes: the audit log is read, verified and exported by this role alone. */
const AUDITOR = ['audit_admin'] as const;

const intId = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);

export const auditRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/audit',
    summary: 'Query the audit log (append-only, chained), newest first; the read is itself audited (audit_read)',
    tag: 'audit',
    access: AUDITOR,
    query: z.object({
      action: z.string().max(64).optional(),
      userId: intId.optional(),
      targetType: z.string().max(64).optional(),
      targetId: z.string().max(64).optional(),
      /** client address, exact */
      ip: z.string().max(64).optional(),
      /** time range [from, to) */
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      before: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    handler: async ({ deps, actor, query }) => ({ body: { items: await readAuditLog(deps, actor, query) } }),
  }),
  route({
    method: 'get',
    path: '/api/audit/status',
    summary: 'The audit retention in force, the oldest row kept, rows not yet sealed and the newest seal',
    tag: 'audit',
    access: AUDITOR,
    handler: async ({ deps }) => ({ body: await auditStatus(deps) }),
  }),
  route({
    method: 'get',
    path: '/api/audit/verify',
    summary:
      "Seal what is pending, then recompute every row's HMAC-SM3 along the chain: ok, rows checked and the first broken link (seq, id, reason); audited (audit_verified)",
    tag: 'audit',
    access: AUDITOR,
    handler: async ({ deps, actor }) => ({ body: await verifyAuditLog(deps, actor) }),
  }),
  route({
    method: 'get',
    path: '/api/audit/export',
    summary: 'The audit rows of [from, to) with their place in the chain, as a streamed CSV (UTF-8 with BOM); audited (audit_exported)',
    tag: 'audit',
    access: AUDITOR,
    query: z
      .object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
      .refine((q) => new Date(q.from) < new Date(q.to), { message: 'from must be before to', path: ['to'] }),
    responseDescription: 'text/csv',
    handler: async ({ deps, actor, query }) => {
      const stream = await exportAuditLog(deps, actor, query);
      const name = `audit-${query.from.slice(0, 10)}-${query.to.slice(0, 10)}.csv`;
      return {
        body: stream,
        headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' },
      };
    },
  }),
];
