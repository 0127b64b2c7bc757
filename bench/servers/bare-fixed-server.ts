/**
 * Child process: the assist section's baseline — Koa, a body parser and one POST route answering a fixed
 * suggestion (three categories, three units), no session, no database, no model. What any endpoint costs over
 * HTTP on this machine, so the product's suggestion latency reads as a ratio beside it.
 */
import Router from '@koa/router';
import { serveBare } from './bare-koa.ts';

const choice = (id: number) => ({ id, name: `类别${id}`, confidence: 0.3, words: ['路灯', '不亮', '维修'] });
const FIXED = { id: 1, categories: [choice(1), choice(2), choice(3)], units: [choice(4), choice(5), choice(6)], models: { category: 1, unit: 1 } };

const router = new Router();
router.post('/api/assist/suggest', (ctx) => {
  ctx.body = FIXED;
});
serveBare(router, async () => {});
