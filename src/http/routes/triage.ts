import { z } from 'zod';
import { shanghaiDate } from '../../domain/clock.ts';
import { PERIODS } from '../../domain/metrics/periods.ts';
import { TRIAGE_METRIC_KEYS, triageReport } from '../../domain/metrics/triage.ts';
import { triageAssignment } from '../../domain/tickets/commands/triage.ts';
import { idParam, unitIdSchema, version } from '../../domain/tickets/inputs.ts';
import { presentTicket } from '../../domain/tickets/presenter.ts';
import { loadTicket } from '../../domain/tickets/queries.ts';
import { triageKinds } from '../../domain/tickets/triage-clocks.ts';
import { triageQueue } from '../../domain/tickets/triage-queue.ts';
import { TRIAGE_LEVELS, UNIT_ROLES } from '../../domain/vocab.ts';
import { pickLocale } from '../../i18n/messages.ts';
import { readerOf } from '../../deps.ts';
import { route, type AnyRoute } from '../route.ts';

export const triageRoutes: AnyRoute[] = [
  route({
    method: 'post',
    path: '/api/assignments/:id/triage',
    summary:
      'Triage (研判分类) at the receiving level: ordinary (普通: reply within TRIAGE_ORDINARY_REPLY_MINUTES of receipt) or complex (复杂: accepted); once signed, by the lead of the centre’s dispatch to a unit of a TRIAGE_UNIT_KINDS kind',
    tag: 'lifecycle',
    access: [...UNIT_ROLES],
    params: idParam,
    body: z.object({ version, level: z.enum(TRIAGE_LEVELS), note: z.string().trim().max(1000).optional() }).strict(),
    handler: async ({ deps, actor, params, body }) => {
      const r = await triageAssignment(deps, actor, params.id, body);
      return { body: await presentTicket(deps.db, actor, await loadTicket(deps.db, actor, r.ticket.id), deps.clock.now()) };
    },
  }),
  route({
    method: 'get',
    path: '/api/triage/queue',
    summary:
      "The unit's triage desk: tickets still to triage and ordinary ones still to reply to, with the triage and quick-reply clocks (deadline, warning instants, level)",
    tag: 'lifecycle',
    access: [...UNIT_ROLES],
    handler: async ({ deps, actor }) => ({ body: await triageQueue(deps, actor, deps.clock.now()) }),
  }),
  route({
    method: 'get',
    path: '/api/metrics/triage',
    summary:
      '普通件1小时答复率 and 研判按时率 per period (by the deadline’s day, Asia/Shanghai), optionally per receiving unit; each as {value, numerator, denominator, pending, definition}',
    tag: 'metrics',
    access: ['supervisor', 'admin', ...UNIT_ROLES],
    query: z
      .object({
        period: z.enum(PERIODS).default('month'),
        from: z.string().max(10).optional(),
        to: z.string().max(10).optional(),
        groupBy: z.enum(['unit']).optional(),
        unitId: unitIdSchema.optional(),
        includeAppealed: z.enum(['true', 'false']).default('false'),
      })
      .strict(),
    handler: async ({ deps, actor, query, ctx }) => {
      const today = shanghaiDate(deps.clock.now());
      const filter = {
        period: query.period,
        from: query.from ?? (query.period === 'month' ? today.slice(0, 7) : today),
        to: query.to,
        groupBy: query.groupBy,
        unitId: query.unitId,
        includeAppealed: query.includeAppealed === 'true',
      };
      const settings = {
        kinds: triageKinds(deps.config),
        replyMinutes: deps.config.TRIAGE_ORDINARY_REPLY_MINUTES,
        acceptDays: deps.config.TRIAGE_ACCEPT_WORKING_DAYS,
      };
      const r = await triageReport(readerOf(deps), actor, filter, settings, pickLocale(ctx.get('accept-language')));
      return {
        body: { period: filter.period, from: r.range.start, to: r.range.end, groupBy: filter.groupBy ?? null, metrics: TRIAGE_METRIC_KEYS, rows: r.rows },
      };
    },
  }),
];
