/**
 * Child process: the same-work baseline for intake on PostgreSQL — a bare Koa route writing exactly the rows an
 * auto-dispatched intake writes (bench/servers/same-work.ts) in one statement, one transaction, postgres.js (pool
 * of 10, as the app).
 */
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import postgres from 'postgres';
import { serveBare } from './bare-koa.ts';
import { CONTEXT_SQL, COUNTER_STATEMENT, parameters, STATEMENT, type Body, type Context } from './same-work.ts';

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
const [x] = (await sql.unsafe(CONTEXT_SQL)) as unknown as Context[];
const router = new Router();
router.post('/tickets', async (ctx) => {
  const b = ctx.request.body as Body;
  const [n] = await sql.unsafe(COUNTER_STATEMENT);
  const [row] = await sql.unsafe(STATEMENT, parameters(b, x!, ctx.get('idempotency-key') || randomUUID(), randomUUID(), Number(n!.last)) as never[]);
  ctx.status = 201;
  ctx.body = row;
});
serveBare(router, () => sql.end({ timeout: 2 }));
