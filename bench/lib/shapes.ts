/**
 * Checks that the generator writes the events the product writes. On a fresh seeded database with a few
 * hundred generated tickets, the lifecycles the generator makes are driven through the product's own
 * commands — intake (dispatch, direct answer, not accepted, a repeat contact), dispatch, sign, contact, the
 * sweep's overdue of the completion clock, a late reply, its approval, a callback closing at the first call,
 * and a first call unreached then a dispute a supervisor closes — and each event type's shape (statuses,
 * public, actor role and unit, whether it names the assignment, the payload's keys and the centre payload's)
 * is compared with every shape the generator wrote for that type. Used by `--quick` (and the smoke test).
 */
import postgres from 'postgres';
import { connect } from '../../db/client.ts';
import { testConfig } from '../../src/config.ts';
import { fixedClock } from '../../src/domain/clock.ts';
import { EventBus } from '../../src/domain/events.ts';
import { CalendarStore } from '../../src/domain/calendar/store.ts';
import type { Actor } from '../../src/domain/auth/actor.ts';
import type { Deps } from '../../src/deps.ts';
import { createTicket } from '../../src/domain/tickets/commands/intake.ts';
import { createTicketInput } from '../../src/domain/tickets/inputs.ts';
import * as lc from '../../src/domain/tickets/commands/lifecycle.ts';
import { sweep } from '../../src/domain/sla/sweep.ts';
import { freshSeededDb, silentLogger } from './datasets.ts';
import { generate } from './generate.ts';
import type { PgServer } from './pg.ts';

export type ShapeCheck = { ok: boolean; types: string[]; differences: string[] };

type EventRow = {
  type: string;
  from_status: string | null;
  to_status: string | null;
  public: boolean;
  actor_role: string | null;
  actor_unit_id: number | null;
  assignment_id: unknown;
  payload: Record<string, unknown>;
};

/** What must match; a repeat contact's statuses are the ticket's at the time, whatever they are. */
function shape(e: EventRow): string {
  const keys = (o: unknown) => (o && typeof o === 'object' ? Object.keys(o).sort().join(',') : '');
  const statuses = e.type === 'contact_linked' ? '' : `${e.from_status}→${e.to_status} `;
  return `${statuses}public=${e.public} actor=${e.actor_role}${e.actor_unit_id ? '@unit' : ''} assignment=${e.assignment_id !== null} payload=${keys(e.payload)} centre=${keys(e.payload.centre)}`;
}
/** The sweep's warnings: only the completion clock's overdue is generated. */
const kindOf = (e: EventRow) => (e.type === 'sla_warning' ? `sla_warning:${e.payload.clock}:${e.payload.level}` : e.type);

export async function checkEventShapes(server: PgServer): Promise<ShapeCheck> {
  const url = await freshSeededDb(server, 'bench_shapes');
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const database = await connect({ url, max: 2 });
  try {
    await generate(sql, url, 400);
    const clock = fixedClock(new Date('2025-06-02T09:00:00+08:00'));
    const deps: Deps = { db: database.db, database, config: testConfig(), logger: silentLogger, clock, bus: new EventBus(), calendar: new CalendarStore() };
    const actor = async (where: string): Promise<Actor> => {
      const [u] = await sql.unsafe(
        `select u.id, u.username, u.role, u.unit_id, n.path from users u join units n on n.id = u.unit_id where ${where} order by u.id limit 1`,
      );
      return {
        userId: u!.id,
        username: u!.username,
        displayName: u!.username,
        role: u!.role,
        unitId: u!.unit_id,
        unitPath: u!.path,
        via: 'token',
        ip: null,
        requestId: null,
      };
    };
    const operator = await actor(`username = 'operator1'`);
    const dispatcher = await actor(`username = 'dispatcher1'`);
    const agent = await actor(`username = 'callback1'`);
    const supervisor = await actor(`username = 'supervisor1'`);
    // A street with a handler, a leaf category that is not auto-dispatched, a knowledge-base article.
    const [place] = await sql`select u.id as street, (select min(id) from kb_articles) as kb,
        (select min(c.id) from categories c where c.active and not c.auto_dispatch and not exists (select 1 from categories k where k.parent_id = c.id)) as category
      from units u where u.kind = 'street' and exists (select 1 from users h where h.unit_id = u.id and h.role = 'unit_handler') order by u.id limit 1`;
    const handler = await actor(`u.role = 'unit_handler' and u.unit_id = ${Number(place!.street)}`);
    const intake = (disposition: Record<string, unknown>) =>
      createTicket(
        deps,
        operator,
        createTicketInput.parse({
          type: 'complaint',
          categoryId: place!.category,
          streetUnitId: place!.street,
          content: '小区门口路灯不亮已经三天，请尽快处理。',
          caller: { phone: '13800138000' },
          disposition,
        }),
      );
    const later = (minutes: number) => clock.advance(minutes * 60_000);

    await intake({ kind: 'direct_answer', kbArticleId: place!.kb, answer: '已直接答复诉求人。' });
    await intake({ kind: 'not_accepted', reason: '不属于受理范围' });
    const ids: number[] = [];
    for (const disputed of [false, true]) {
      const { ticket } = await intake({ kind: 'dispatch' });
      ids.push(ticket.id);
      later(20);
      if (disputed) await intake({ kind: 'repeat', ticketId: ticket.id });
      let t = await lc.dispatchTicket(deps, dispatcher, ticket.id, {
        version: (await sql`select version from tickets where id = ${ticket.id}`)[0]!.version,
        leadUnitId: handler.unitId,
        assistUnitIds: [],
        designate: false,
      });
      const [a] = await sql`select id, version, complete_due_at from assignments where ticket_id = ${ticket.id}`;
      later(60);
      let r = await lc.signAssignment(deps, handler, Number(a!.id), { version: a!.version });
      later(60);
      r = await lc.contactCaller(deps, handler, Number(a!.id), { version: r.assignment.version, method: 'phone', summary: '已电话联系诉求人。' });
      if (disputed) {
        // The completion deadline passes before the reply: the sweep's overdue.
        clock.set(new Date(a!.complete_due_at.getTime() + 60_000));
        await sweep(deps, clock.now());
      }
      later(60);
      r = await lc.replyAssignment(deps, handler, Number(a!.id), { version: r.assignment.version, content: '已处理完毕。' });
      later(60);
      t = await lc.reviewReply(deps, dispatcher, ticket.id, true, { version: r.ticket.version });
      later(24 * 60);
      if (disputed) {
        t = await lc.recordCallback(deps, agent, ticket.id, { version: t.version, reached: false });
        later(60);
        t = await lc.recordCallback(deps, agent, ticket.id, { version: t.version, reached: true, solved: 'unsolved', satisfaction: 'satisfied' });
        later(120);
        await lc.closeTicket(deps, supervisor, ticket.id, { version: t.version, note: '已向诉求人解释说明。' });
      } else {
        await lc.recordCallback(deps, agent, ticket.id, { version: t.version, reached: true, solved: 'solved', satisfaction: 'satisfied' });
      }
    }

    const rows = async (where: string) =>
      (await sql.unsafe(
        `select type, from_status, to_status, public, actor_role::text, actor_unit_id, assignment_id, payload from ticket_events where ${where}`,
      )) as unknown as EventRow[];
    const product = new Map<string, Set<string>>();
    for (const e of await rows(`ticket_id > (select max(id) from bench.t)`)) product.set(kindOf(e), (product.get(kindOf(e)) ?? new Set()).add(shape(e)));
    const generated = new Map<string, Set<string>>();
    for (const e of await rows(`ticket_id <= (select max(id) from bench.t)`)) generated.set(kindOf(e), (generated.get(kindOf(e)) ?? new Set()).add(shape(e)));
    const differences: string[] = [];
    for (const [kind, shapes] of generated) {
      for (const s of shapes)
        if (!product.get(kind)?.has(s)) differences.push(`${kind}: generated ${s}; the product wrote ${[...(product.get(kind) ?? [])].join(' | ') || 'none'}`);
    }
    // Every kind of event the product wrote for these lifecycles is generated (of the sweep's warnings, the overdue of the completion clock).
    for (const kind of product.keys())
      if (!generated.has(kind) && !(kind.startsWith('sla_warning:') && kind !== 'sla_warning:complete:overdue')) differences.push(`${kind}: not generated`);
    return { ok: differences.length === 0, types: [...generated.keys()].sort(), differences };
  } finally {
    await database.close();
    await sql.end();
  }
}
