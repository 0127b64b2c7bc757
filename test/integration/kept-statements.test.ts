/**
 * Statements built once and run on any handle (db/prepared.ts), on both drivers: what they write and read equals
 * what drizzle's ordinary builder does (encrypted columns encrypted, defaults taken, nulls written, rows decoded);
 * a kept statement runs on the transaction it is given (a rollback takes its rows away); a shape is built once
 * per driver and each new shape (a null, another column, another row count) is a statement of its own.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { executePrepared, insertRows, runPrepared } from '../../db/prepared.ts';
import { notifications } from '../../db/schema/index.ts';
import { rowsOf } from '../../src/domain/tickets/queries.ts';
import { freshDatabase } from '../setup/db.ts';

let database: Database;
beforeAll(async () => {
  database = await freshDatabase({ max: 2 });
});
afterAll(async () => {
  await database?.close();
});

const at = new Date('2026-03-10T02:00:00Z');
const row = (recipient: string, extra: Partial<typeof notifications.$inferInsert> = {}) => ({
  ticketId: null,
  audience: 'unit',
  unitId: null,
  recipient,
  template: 'probe',
  body: `body ${recipient}`,
  ...extra,
});

describe('kept statements (db/prepared.ts)', () => {
  it('write and read back what the ordinary builder does: encrypted at rest, defaults, nulls, decoded rows', async () => {
    const db = database.db;
    const [kept] = await insertRows<typeof notifications.$inferSelect>(db, notifications, [row('13900000001', { createdAt: at })], { returning: true });
    const [built] = await db
      .insert(notifications)
      .values(row('13900000002', { createdAt: at }))
      .returning();
    expect(kept).toMatchObject({ recipient: '13900000001', status: 'pending', attempts: 0, createdAt: at, unitId: null, sentAt: null });
    expect(Object.keys(kept!).sort()).toEqual(Object.keys(built!).sort());
    const raw = rowsOf<{ recipient: string; created_at: unknown }>(
      await db.execute(sql`select recipient, created_at from notifications where id = ${kept!.id}`),
    );
    expect(raw[0]!.recipient).toMatch(/^sm4:/); // the same ciphertext form as the builder's
    const [again] = await db.select().from(notifications).where(eq(notifications.id, kept!.id));
    expect(again).toEqual(kept);
  });

  it('run on the transaction they are given: its rollback takes their rows away', async () => {
    const db = database.db;
    await db
      .transaction(async (tx) => {
        await insertRows(tx as never, notifications, [row('13900000003')]);
        const inside = rowsOf<{ n: number }>(
          await tx.execute(sql`select count(*)::int as n from notifications where template = 'probe' and body = 'body 13900000003'`),
        );
        expect(inside[0]!.n).toBe(1);
        throw new Error('roll back');
      })
      .catch((e: Error) => expect(e.message).toBe('roll back'));
    const after = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from notifications where body = 'body 13900000003'`));
    expect(after[0]!.n).toBe(0);
  });

  it('build a shape once per driver; another shape builds its own statement', async () => {
    let builds = 0;
    const build = (d: Database['db']) => {
      builds++;
      return d
        .select({ n: sql<number>`count(*)::int` })
        .from(notifications)
        .where(eq(notifications.template, sql.placeholder('template')))
        .prepare('count by template');
    };
    const key = `count by template ${Math.random()}`;
    const a = await runPrepared(database.db, key, build, { template: 'probe' });
    const b = await runPrepared(database.db, key, build, { template: 'nothing' });
    expect(builds).toBe(1);
    expect(a[0]!.n).toBeGreaterThanOrEqual(2);
    expect(b[0]!.n).toBe(0);

    // Two rows, one with a null unit and one with a default-taking createdAt: one statement, both written right.
    const rows = await insertRows<{ id: number; unitId: number | null; createdAt: Date }>(
      database.db,
      notifications,
      [row('13900000004', { createdAt: at }), row('13900000005')],
      { returning: { id: notifications.id, unitId: notifications.unitId, createdAt: notifications.createdAt } },
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]!.createdAt).toEqual(at);
    expect(rows[1]!.createdAt.getTime()).not.toBe(at.getTime()); // the column's default (now)
  });

  it('raw SQL kept with placeholders answers per call; SQL values need a statement key', async () => {
    const q = (n: number) => executePrepared(database.db, 'probe plus one', () => sql`select ${sql.placeholder('n')}::int + 1 as m`, { n });
    expect(rowsOf<{ m: number }>(await q(1))[0]!.m).toBe(2);
    expect(rowsOf<{ m: number }>(await q(41))[0]!.m).toBe(42);
    expect(() => insertRows(database.db, notifications, [row('1', { body: sql`'x'` as never })])).toThrow(/statement key/);
  });
});
