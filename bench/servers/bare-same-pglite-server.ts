/** Child process: the same-work baseline for intake on embedded PGlite (DATA_DIR): bench/servers/same-work.ts. */
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { PGlite } from '@electric-sql/pglite';
import { serveBare } from './bare-koa.ts';
import { CONTEXT_SQL, COUNTER_STATEMENT, parameters, STATEMENT, type Body, type Context } from './same-work.ts';

const db = await PGlite.create({ dataDir: process.env.DATA_DIR! });
const x = (await db.query<Context>(CONTEXT_SQL)).rows[0]!;
const router = new Router();
router.post('/tickets', async (ctx) => {
  const b = ctx.request.body as Body;
  const n = (await db.query<{ last: number }>(COUNTER_STATEMENT)).rows[0]!;
  const { rows } = await db.query(STATEMENT, parameters(b, x, ctx.get('idempotency-key') || randomUUID(), randomUUID(), Number(n.last)));
  ctx.status = 201;
  ctx.body = rows[0];
});
serveBare(router, () => db.close());
