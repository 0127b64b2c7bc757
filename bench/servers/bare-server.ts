/**
 * Child process: the baseline for intake — a bare Koa 3 + @koa/router + @koa/bodyparser route doing one
 * ticket-shaped INSERT with postgres.js (pool of 10, as the app), no validation, auth, routing or events.
 */
import Router from '@koa/router';
import postgres from 'postgres';
import { serveBare } from './bare-koa.ts';

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
const categoryId = Number(process.env.BARE_CATEGORY_ID);
const router = new Router();
let seq = 0;
router.post('/tickets', async (ctx) => {
  const b = ctx.request.body as { content: string; caller: { phone: string }; lat?: number; lng?: number };
  const number = `X${process.pid}-${++seq}`;
  const [row] = await sql`
    insert into tickets (number, status, channel, type, category_id, title, content, lat, lng, caller_phone, caller_phone_last4)
    values (${number}, 'awaiting_dispatch', 'online', 'complaint', ${categoryId}, ${b.content.slice(0, 30)}, ${b.content},
            ${b.lat ?? null}, ${b.lng ?? null}, ${b.caller.phone}, ${b.caller.phone.slice(-4)})
    returning id, number, created_at`;
  ctx.status = 201;
  ctx.body = row;
});
serveBare(router, () => sql.end({ timeout: 2 }));
