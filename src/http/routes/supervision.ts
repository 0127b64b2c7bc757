import { z } from 'zod';
import { listAccountability, resolveAccountability } from '../../domain/supervision/accountability.ts';
import { keyTicketCounts, keyTicketList } from '../../domain/supervision/key-tickets.ts';
import { parseKeyKinds } from '../../domain/supervision/kinds.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { MONTH_PATTERN } from '../../domain/reports/months.ts';
import { KEY_TICKET_KINDS } from '../../domain/vocab.ts';
import { route, type AnyRoute } from '../route.ts';

const intId = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
const bigId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const limit = z.coerce.number().int().min(1).max(500).default(100);

/** Key supervision (重点督办) by kind, and accountability (追责): docs/sla.md. */
export const supervisionRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/supervision/key',
    summary: 'Key tickets (重点督办): each kind the KEY_SUPERVISION_KINDS setting tracks, with its threshold and how many rows and tickets it has now',
    tag: 'sla',
    access: ['supervisor', 'dispatcher', 'admin'],
    handler: async ({ deps }) => ({
      body: { items: await keyTicketCounts(deps.db, parseKeyKinds(deps.config.KEY_SUPERVISION_KINDS), deps.clock.now()) },
    }),
  }),
  route({
    method: 'get',
    path: '/api/supervision/key/:kind',
    summary: 'The key tickets of one kind, worst first: ticket, unit, completion deadline and minutes overdue, the 督办 level',
    tag: 'sla',
    access: ['supervisor', 'dispatcher', 'admin'],
    params: z.object({ kind: z.enum(KEY_TICKET_KINDS) }),
    query: z.object({ limit, offset: z.coerce.number().int().min(0).max(100_000).default(0) }),
    handler: async ({ deps, actor, params, query }) => {
      const spec = parseKeyKinds(deps.config.KEY_SUPERVISION_KINDS).find((s) => s.kind === params.kind);
      if (!spec) throw new NotFoundError('key_kind_not_tracked', { kind: params.kind });
      const items = await keyTicketList(deps.db, spec, deps.clock.now(), actor, query);
      return { body: { kind: spec.kind, threshold: 'min' in spec ? spec.min : null, items } };
    },
  }),
  route({
    method: 'get',
    path: '/api/accountability',
    summary: 'Accountability items (追责) recorded on units still overdue after their 督办 was escalated, newest first; by unit and month',
    tag: 'sla',
    access: ['supervisor', 'dispatcher', 'admin'],
    query: z.object({
      unitId: intId.optional(),
      month: z.string().regex(MONTH_PATTERN).optional(),
      open: flag.optional(),
      before: bigId.optional(),
      limit,
    }),
    handler: async ({ deps, actor, query }) => ({ body: { items: await listAccountability(deps.db, query, actor) } }),
  }),
  route({
    method: 'post',
    path: '/api/accountability/:id/resolve',
    summary: 'Close an accountability item with what was done about it (audited)',
    tag: 'sla',
    access: ['supervisor'],
    params: z.object({ id: bigId }),
    body: z.object({ note: z.string().trim().min(2).max(1000) }).strict(),
    handler: async ({ deps, actor, params, body }) => ({ body: await resolveAccountability(deps, actor, params.id, body.note) }),
  }),
];
