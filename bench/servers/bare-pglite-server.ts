/** Child process: the embedded baseline — the bare Koa route doing one ticket-shaped INSERT on PGlite (DATA_DIR). */
import Router from '@koa/router';
import { PGlite } from '@electric-sql/pglite';
import { serveBare } from './bare-koa.ts';

const db = await PGlite.create({ dataDir: process.env.DATA_DIR! });
const categoryId = Number(process.env.BARE_CATEGORY_ID);
const router = new Router();
let seq = 0;
router.post('/tickets', async (ctx) => {
  const b = ctx.request.body as { content: string; caller: { phone: string }; lat?: number; lng?: number };
  const { rows } = await db.query(
    `insert into tickets (number, status, channel, type, category_id, title, content, lat, lng, caller_phone, caller_phone_last4)
     values ($1, 'awaiting_dispatch', 'online', 'complaint', $2, $3, $4, $5, $6, $7, $8) returning id, number, created_at`,
    [`X${process.pid}-${++seq}`, categoryId, b.content.slice(0, 30), b.content, b.lat ?? null, b.lng ?? null, b.caller.phone, b.caller.phone.slice(-4)],
  );
  ctx.status = 201;
  ctx.body = rows[0];
});
serveBare(router, () => db.close());
