import { z } from 'zod';
import { policyInput } from '../../domain/sla/inputs.ts';
import { applyPreset, createPolicy, deactivatePolicy, listPolicies, presentPolicy, presetList, updatePolicy } from '../../domain/sla/policies.ts';
import { SUPERVISION_KINDS, listSupervisionItems, resolveSupervisionItem, superviseTicket } from '../../domain/sla/supervision.ts';
import { ticketsAwaitingCalendar } from '../../domain/sla/awaiting-calendar.ts';
import { presentTicket, summary } from '../../domain/tickets/presenter.ts';
import { loadTicket } from '../../domain/tickets/queries.ts';
import { route, type AnyRoute } from '../route.ts';

const intId = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
const bigId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const page = {
  before: bigId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
};

export const slaRoutes: AnyRoute[] = [
  route({
    method: 'get',
    path: '/api/sla/awaiting-calendar',
    summary: 'Clocks awaiting the calendar (deadline past the last imported year): how many, by the year each needs, and their tickets, newest first',
    tag: 'sla',
    access: ['supervisor', 'dispatcher', 'admin'],
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    handler: async ({ deps, actor, query }) => {
      const r = await ticketsAwaitingCalendar(deps.db, query.limit);
      return { body: { ...r, items: r.items.map((t) => summary(actor, { ...t, awaitingCalendar: true })) } };
    },
  }),
  route({
    method: 'post',
    path: '/api/tickets/:id/supervise',
    summary: 'One-click supervision (督办) of a ticket a unit holds: a supervision item against the lead unit, level +1',
    tag: 'sla',
    access: ['supervisor'],
    params: z.object({ id: bigId }),
    body: z.object({ version: z.number().int().positive(), reason: z.string().trim().min(2).max(500).optional() }).strict(),
    handler: async ({ deps, actor, params, body }) => {
      const t = await superviseTicket(deps, actor, params.id, body);
      return { body: await presentTicket(deps.db, actor, await loadTicket(deps.db, actor, t.id)) };
    },
  }),
  route({
    method: 'get',
    path: '/api/sla/policies',
    summary: 'SLA policies (active ones; ?all=true includes deactivated)',
    tag: 'sla',
    access: ['admin'],
    query: z.object({ all: flag.optional() }),
    handler: async ({ deps, query }) => ({ body: { items: (await listPolicies(deps.db, { all: query.all })).map(presentPolicy) } }),
  }),
  route({
    method: 'post',
    path: '/api/sla/policies',
    summary: 'Create an SLA policy (category × urgency × channel, each optional; one active policy per combination)',
    tag: 'sla',
    access: ['admin'],
    body: policyInput,
    status: 201,
    handler: async ({ deps, actor, body }) => ({ status: 201, body: presentPolicy(await createPolicy(deps, actor, body)) }),
  }),
  route({
    method: 'put',
    path: '/api/sla/policies/:id',
    summary: "Replace an active policy's terms (deadlines already stored on assignments do not change)",
    tag: 'sla',
    access: ['admin'],
    params: z.object({ id: intId }),
    body: policyInput,
    handler: async ({ deps, actor, params, body }) => ({ body: presentPolicy(await updatePolicy(deps, actor, params.id, body)) }),
  }),
  route({
    method: 'delete',
    path: '/api/sla/policies/:id',
    summary: 'Deactivate a policy (kept for the assignments whose deadlines came from it)',
    tag: 'sla',
    access: ['admin'],
    params: z.object({ id: intId }),
    status: 204,
    handler: async ({ deps, actor, params }) => {
      await deactivatePolicy(deps, actor, params.id);
    },
  }),
  route({
    method: 'get',
    path: '/api/sla/presets',
    summary: 'The built-in presets (Tianjin-like, Beijing-draft-like, Shandong-like) admins may start from',
    tag: 'sla',
    access: ['admin'],
    handler: async () => ({ body: { items: presetList() } }),
  }),
  route({
    method: 'post',
    path: '/api/sla/presets/:name/apply',
    summary: "Replace the active policies with a preset's, in one transaction (audited)",
    tag: 'sla',
    access: ['admin'],
    params: z.object({ name: z.string().regex(/^[a-z0-9-]{1,40}$/) }),
    handler: async ({ deps, actor, params }) => {
      const r = await applyPreset(deps, actor, params.name);
      return { body: { preset: r.preset, deactivated: r.deactivated, created: r.created.map(presentPolicy), unmatched: r.unmatched } };
    },
  }),
  route({
    method: 'get',
    path: '/api/sla/supervision',
    summary: 'Reminders (催办) and supervision items (督办) opened by the SLA sweep, newest first',
    tag: 'sla',
    access: ['supervisor', 'dispatcher', 'admin'],
    query: z.object({ kind: z.enum(SUPERVISION_KINDS).optional(), open: flag.optional(), unitId: intId.optional(), ...page }),
    handler: async ({ deps, actor, query }) => ({ body: { items: await listSupervisionItems(deps.db, query, actor) } }),
  }),
  route({
    method: 'post',
    path: '/api/sla/supervision/:id/resolve',
    summary: 'Mark a reminder or supervision item as dealt with (audited)',
    tag: 'sla',
    access: ['supervisor', 'admin'],
    params: z.object({ id: bigId }),
    handler: async ({ deps, actor, params }) => ({ body: await resolveSupervisionItem(deps, actor, params.id) }),
  }),
  route({
    method: 'get',
    path: '/api/sla/reminders',
    summary: "Reminders (催办) addressed to the caller's own unit, newest first",
    tag: 'sla',
    access: ['unit_handler', 'unit_leader'],
    query: z.object({ open: flag.optional(), ...page }),
    handler: async ({ deps, actor, query }) => ({
      body: { items: await listSupervisionItems(deps.db, { ...query, kind: 'reminder', unitId: actor.unitId }, actor) },
    }),
  }),
];
