/**
 * Lists are planned for their values every time (src/domain/tickets/search.ts, withCustomPlans): the app's named
 * prepared statements (db/client.ts) would otherwise get a generic plan from their sixth run on a connection, which
 * at 10 M tickets made a street's text search three times slower. PostgreSQL only: PGlite's statements are unnamed
 * and planned for their values anyway.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { countTickets, searchTickets } from '../../src/domain/tickets/search.ts';
import { rowsOf } from '../../src/domain/tickets/queries.ts';
import { driver } from '../setup/db.ts';
import { deps, flow, useApiWorld, w } from './api-world.ts';

useApiWorld({ now: '2026-03-10T02:00:00.000Z' });

describe('ticket lists and counts are planned for their values', () => {
  it.runIf(driver === 'postgres')('never run on a generic plan, however often the same list is asked for on a connection', async () => {
    const ticket = await flow.create({ content: '光明路路灯不亮已经三天' });
    await flow.ticket(w.dispatcher, ticket, 'dispatch', { leadUnitId: w.units.streetA.id });
    const now = deps.clock.now();
    // One transaction: every run on the same connection, whose prepared statements pg_prepared_statements shows.
    const plans = await deps.db.transaction(async (tx) => {
      for (let i = 0; i < 10; i++) {
        const page = await searchTickets(tx, w.handlerA.actor, { filters: { q: '路灯', status: 'awaiting_sign,in_progress' }, limit: 50 }, now);
        expect(page.rows.map((r) => r.id)).toEqual([ticket.id]);
        expect(await countTickets(tx, w.handlerA.actor, { status: 'awaiting_sign' }, now)).toEqual({ count: 1, capped: false });
      }
      return rowsOf<{ statement: string; generic_plans: string; custom_plans: string }>(
        await tx.execute(sql`select statement, generic_plans, custom_plans from pg_prepared_statements where statement like '%from "tickets"%limit%'`),
      );
    });
    expect(plans.length).toBeGreaterThanOrEqual(2);
    for (const p of plans) {
      expect(Number(p.custom_plans), p.statement).toBeGreaterThanOrEqual(10);
      expect(Number(p.generic_plans), p.statement).toBe(0);
    }
  });
});
