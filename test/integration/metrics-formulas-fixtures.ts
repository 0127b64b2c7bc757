/**
 * The hand-computed fixture the metric formula tests (test/integration/metrics-formulas*.test.ts) read: a small
 * March at street A, street B and the department, with an approved appeal, a reopen, a return and both 基本满意
 * settings, driven through the real commands and counted by the rollup job; and the figures read the way
 * dashboards read them, from the rollup.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../../db/client.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { makeKbArticle, makeWorld, seedCalendar, type World } from '../setup/world.ts';
import { journeyDriver, naturalHoursPolicy, type JourneyDriver } from './metrics-journeys.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { metricsReport, type MetricsFilter } from '../../src/domain/metrics/queries.ts';
import { DEFAULT_METRIC_SETTINGS, type MetricKey, type MetricSettings } from '../../src/domain/metrics/definitions.ts';
import type { Actor } from '../../src/domain/auth/actor.ts';

export const T0 = '2026-03-10T02:00:00.000Z'; // Tuesday 10:00 in Shanghai
export const HOUR = 3600_000;
const DAY = 24 * HOUR;

export let database: Database;
export let deps: TestDeps;
export let w: World;
export let d: JourneyDriver;

const at = (ms: number) => deps.clock.set(new Date(new Date(T0).getTime() + ms));

/** The world and the March fixture, made once before the file's tests. */
export function useMarchFixture() {
  beforeAll(async () => {
    database = await freshDatabase();
    deps = makeDeps(database, { CALLBACK_MAX_ATTEMPTS: 3 }, T0);
    w = await makeWorld(deps.db);
    await seedCalendar(deps.db);
    d = await journeyDriver(deps, w);
    // Natural-hour clocks: sign 2 h, response 4 h, completion 48 h (a reopen restarts completion).
    await naturalHoursPolicy(deps, w, { sign: 2, response: 4, complete: 48 });
    const { streetA, streetB, department } = w.units;
    const lead = (id: number) => d.lead(id).then((a) => a.id);

    // T1: street A leads, the department assists. All in time for A; the department signs late.
    at(0);
    const t1 = await d.create();
    await d.dispatch(t1.id, streetA.id, [department.id]);
    const dept1 = (await d.assignmentsOf(t1.id)).find((a) => a.unitId === department.id)!.id;
    at(1 * HOUR);
    await d.sign(await lead(t1.id));
    at(2 * HOUR);
    await d.contact(await lead(t1.id));
    at(3 * HOUR);
    await d.sign(dept1);
    // T7: a repeat call about T1 while it is open.
    at(3.5 * HOUR);
    await d.repeat(t1.id);
    at(5 * HOUR);
    await d.reply(await lead(t1.id));
    at(6 * HOUR);
    await d.reply(dept1);
    at(7 * HOUR);
    await d.review(t1.id, 'reply', true);
    at(1 * DAY);
    await d.callback(t1.id, { reached: true, solved: 'solved', satisfaction: 'satisfied' });

    // T2: everything late — signed after 3 h, contacted after 5 h, replied after 50 h; partly solved, basically satisfied.
    at(0);
    const t2 = await d.create();
    await d.dispatch(t2.id, streetA.id);
    at(3 * HOUR);
    await d.sign(await lead(t2.id));
    at(5 * HOUR);
    await d.contact(await lead(t2.id));
    at(50 * HOUR);
    await d.reply(await lead(t2.id));
    at(51 * HOUR);
    await d.review(t2.id, 'reply', true);
    at(3 * DAY);
    await d.callback(t2.id, { reached: true, solved: 'partly', satisfaction: 'basically_satisfied' });

    // T3: unsolved and dissatisfied → reopened (重办) → solved and satisfied.
    at(0);
    const t3 = await d.create();
    await d.dispatch(t3.id, streetA.id);
    at(1 * HOUR);
    await d.sign(await lead(t3.id));
    await d.contact(await lead(t3.id));
    at(5 * HOUR);
    await d.reply(await lead(t3.id));
    at(6 * HOUR);
    await d.review(t3.id, 'reply', true);
    at(1 * DAY);
    await d.callback(t3.id, { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
    at(1 * DAY + HOUR);
    await d.reopen(t3.id);
    at(1 * DAY + 2 * HOUR);
    await d.reply(await lead(t3.id));
    at(1 * DAY + 3 * HOUR);
    await d.review(t3.id, 'reply', true);
    at(2 * DAY);
    await d.callback(t3.id, { reached: true, solved: 'solved', satisfaction: 'satisfied' });

    // T4: street A appeals (approved); the callback then finds the caller dissatisfied; a supervisor closes it.
    at(0);
    const t4 = await d.create();
    await d.dispatch(t4.id, streetA.id);
    at(1 * HOUR);
    await d.sign(await lead(t4.id));
    at(2 * HOUR);
    const appealId = (await d.appeal(await lead(t4.id))).id;
    at(3 * HOUR);
    await d.decideAppeal(appealId, true);
    await d.contact(await lead(t4.id));
    at(4 * HOUR);
    await d.reply(await lead(t4.id));
    at(5 * HOUR);
    await d.review(t4.id, 'reply', true);
    at(1 * DAY);
    await d.callback(t4.id, { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
    at(1 * DAY + HOUR);
    await d.close(t4.id);

    // T5: street B signs and returns it (退单); street A takes it and the caller is never reached.
    at(0);
    const t5 = await d.create();
    await d.dispatch(t5.id, streetB.id);
    at(1 * HOUR);
    await d.sign(await lead(t5.id));
    at(2 * HOUR);
    await d.requestReturn(await lead(t5.id));
    at(3 * HOUR);
    await d.review(t5.id, 'return', true);
    at(4 * HOUR);
    await d.dispatch(t5.id, streetA.id);
    at(5 * HOUR);
    await d.sign(await lead(t5.id));
    at(6 * HOUR);
    await d.contact(await lead(t5.id));
    at(7 * HOUR);
    await d.reply(await lead(t5.id));
    at(8 * HOUR);
    await d.review(t5.id, 'reply', true);
    for (const h of [0, 1, 2]) {
      at(1 * DAY + h * HOUR);
      await d.callback(t5.id, { reached: false });
    }

    // T6 answered directly from the knowledge base; T8 not accepted.
    at(0);
    const kb = await makeKbArticle(deps.db, '居住证办理', '携带身份证到派出所办理');
    await d.create({ type: 'consult', disposition: { kind: 'direct_answer', kbArticleId: kb.id, answer: '请携带身份证到户籍所在地派出所办理。' } });
    await d.create({ disposition: { kind: 'not_accepted', reason: '属于诉讼程序，告知诉求人依法起诉' } });

    // Counted in odd batch sizes, as a running system would.
    at(5 * DAY);
    await rollup(deps, deps.clock.now(), { batchSize: 7 });
  });
  afterAll(async () => {
    await database?.close();
  });
}

export const MARCH: MetricsFilter = { period: 'month', from: '2026-03', includeAppealed: false };

export async function rowsFor(actor: Actor, f: Partial<MetricsFilter> = {}, settings: MetricSettings = DEFAULT_METRIC_SETTINGS) {
  return (await metricsReport(deps.db, actor, { ...MARCH, ...f }, settings, 'zh-CN')).rows;
}
export async function unitRow(unitId: number, f: Partial<MetricsFilter> = {}, settings?: MetricSettings) {
  const rows = await rowsFor(w.supervisor.actor, { groupBy: 'unit', ...f }, settings);
  return rows.find((r) => r.group?.id === unitId)!;
}
/** numerator/denominator of each metric, as "n/d". */
export const fractions = (row: { metrics: Record<MetricKey, { numerator: number; denominator: number }> }, keys: MetricKey[]) =>
  Object.fromEntries(keys.map((k) => [k, `${row.metrics[k].numerator}/${row.metrics[k].denominator}`]));
