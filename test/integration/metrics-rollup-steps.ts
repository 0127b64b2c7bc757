/**
 * The rollup test's journeys (./metrics-rollup.test.ts): random steps through the real commands, each a new
 * contact or a legal next action on an open ticket, and a scripted prelude that takes the rare roads.
 */
import fc from 'fast-check';
import { eq, sql } from 'drizzle-orm';
import { appeals, assignmentRequests, citizenRatings, ratingVerifications, tickets } from '../../db/schema/index.ts';
import { rollup } from '../../src/domain/metrics/rollup.ts';
import { LIVE_ASSIGNMENT } from '../../src/domain/tickets/status.ts';
import { RATING_LEVELS } from '../../src/contract/vocab.ts';
import { d, deps, kbId, MIN, w } from './metrics-rollup-fixtures.ts';

// ---------------------------------------------------------------- random journeys

export type Step = { pick: number; target: number; variant: number; advance: number; rollupFirst: boolean };
export const step: fc.Arbitrary<Step> = fc.record({
  pick: fc.nat({ max: 99 }),
  target: fc.nat(),
  variant: fc.nat(),
  advance: fc.integer({ min: 1, max: 20 * 60 }), // minutes: from a minute to most of a day, so deadlines are met and missed
  rollupFirst: fc.boolean(),
});

const ANSWERS = [
  { reached: true, solved: 'solved', satisfaction: 'satisfied' },
  { reached: true, solved: 'solved', satisfaction: 'basically_satisfied' },
  { reached: true, solved: 'partly', satisfaction: 'basically_satisfied' },
  { reached: true, solved: 'partly', satisfaction: 'satisfied' },
  { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' },
  { reached: true, solved: 'solved', satisfaction: 'dissatisfied' },
  { reached: false },
] as const;

/** One random step: a new contact (while few tickets are open, and now and then) or a legal next action on an open ticket of this run. */
export async function run(s: Step, own: number[]): Promise<string> {
  const units = [w.units.streetA, w.units.streetB, w.units.department, w.units.communityA, w.units.districtA].map((u) => u.id);
  const pickUnit = (n: number) => units[n % units.length]!;
  const open = async () => {
    const rows = own.length ? await deps.db.select({ id: tickets.id, status: tickets.status }).from(tickets).where(sql`${tickets.id} in ${own}`) : [];
    return rows.filter((r) => r.status !== 'closed');
  };

  const openNow = await open();
  if (s.pick < 12 || openNow.length < 3) {
    const kind = s.variant % 10;
    if (kind === 0)
      return (
        own.push((await d.create({ type: 'consult', disposition: { kind: 'direct_answer', kbArticleId: kbId, answer: '已直接答复诉求人。' } })).id), 'direct'
      );
    if (kind === 1) return (own.push((await d.create({ disposition: { kind: 'not_accepted', reason: '不属于受理范围' } })).id), 'not accepted');
    if (kind === 2) {
      const o = await open();
      if (o.length) return (await d.repeat(o[s.target % o.length]!.id), 'repeat');
    }
    const by = [w.operator, w.clerk, w.portal][s.target % 3]!;
    const t = await d.create(by === w.clerk ? { window: { matter: '办理居住证', hallDepartment: '公安窗口', reason: 'documents' } } : {}, by);
    own.push(t.id);
    return 'created';
  }

  const o = openNow;
  const t = await d.ticket(o[s.target % o.length]!.id);
  const as = await d.assignmentsOf(t.id);
  const live = as.filter((a) => (LIVE_ASSIGNMENT as readonly string[]).includes(a.status));
  const lead = live.find((a) => a.role === 'lead');
  const pending = await deps.db
    .select()
    .from(assignmentRequests)
    .where(sql`${assignmentRequests.ticketId} = ${t.id} and ${assignmentRequests.status} = 'pending'`);
  const appealRows = await deps.db.select().from(appeals).where(eq(appeals.ticketId, t.id));
  const rated = await deps.db.select({ round: citizenRatings.round }).from(citizenRatings).where(eq(citizenRatings.ticketId, t.id));
  const verifications = await deps.db.select().from(ratingVerifications).where(eq(ratingVerifications.ticketId, t.id));
  const v = s.variant;

  const options: [string, () => Promise<unknown>][] = [];
  /** The main path weighs more than the side roads, so journeys get as far as callbacks and reopens. */
  const main = (name: string, act: () => Promise<unknown>, weight = 4) => {
    for (let i = 0; i < weight; i++) options.push([name, act]);
  };
  switch (t.status) {
    case 'awaiting_dispatch': {
      const leadUnit = pickUnit(v);
      const assists = units.filter((u, i) => u !== leadUnit && (v >> (i + 3)) % 3 === 0).slice(0, 2);
      main('dispatch', () => d.dispatch(t.id, leadUnit, assists));
      main('dispatch', () => d.dispatch(t.id, pickUnit(v + 1)));
      options.push(['decline', () => d.decline(t.id)]);
      const others = o.filter((x) => x.id !== t.id);
      if (others.length) options.push(['merge', () => d.merge(t.id, others[v % others.length]!.id)]);
      break;
    }
    case 'return_requested':
      main('approve return', () => d.review(t.id, 'return', true));
      main('reject return', () => d.review(t.id, 'return', false));
      break;
    case 'termination_requested':
      main('approve termination', () => d.review(t.id, 'termination', true));
      main('reject termination', () => d.review(t.id, 'termination', false));
      break;
    case 'awaiting_review':
      main('approve reply', () => d.review(t.id, 'reply', true), 8);
      main('reject reply', () => d.review(t.id, 'reply', false), 2);
      break;
    case 'awaiting_callback':
      main('callback', () => d.callback(t.id, ANSWERS[v % ANSWERS.length]!), 8);
      break;
    case 'callback_disputed':
      main('reopen', () => d.reopen(t.id));
      main('close', () => d.close(t.id));
      break;
  }
  if (['awaiting_sign', 'in_progress', 'awaiting_review', 'return_requested', 'termination_requested'].includes(t.status)) {
    for (const a of live) {
      if (a.status === 'awaiting_sign') main('sign', () => d.sign(a.id));
      if (a.status === 'in_progress' || a.status === 'replied') main('contact', () => d.contact(a.id), a.firstContactAt ? 1 : 3);
      if (a.status === 'in_progress' && (a.role === 'assist' || t.status === 'in_progress')) main('reply', () => d.reply(a.id), 3);
    }
    if (lead?.status === 'in_progress' && t.status === 'in_progress') {
      if (!lead.designated && !pending.length) main('request return', () => d.requestReturn(lead.id), 1);
      if (!pending.some((p) => p.kind === 'extension'))
        options.push([
          'request extension',
          () => d.requestExtension(lead.id, new Date(Math.max(deps.clock.now().getTime(), lead.completeDueAt?.getTime() ?? 0) + 12 * 60 * MIN)),
        ]);
      if (!pending.length) options.push(['request termination', () => d.requestTermination(lead.id)]);
    }
    if (pending.some((p) => p.kind === 'extension') && ['in_progress', 'awaiting_review'].includes(t.status))
      main('approve extension', () => d.review(t.id, 'extension', true), 2), main('reject extension', () => d.review(t.id, 'extension', false), 1);
  }
  // Appeals at any point after dispatch, and decisions on them.
  const appealable = as.filter(
    (a) => !appealRows.some((p) => p.unitId === a.unitId && (p.status === 'approved' || (p.status === 'pending' && p.assignmentId === a.id))),
  );
  if (appealable.length) options.push(['appeal', () => d.appeal(appealable[v % appealable.length]!.id)]);
  const undecided = appealRows.filter((p) => p.status === 'pending');
  if (undecided.length) main('decide appeal', () => d.decideAppeal(undecided[v % undecided.length]!.id, v % 3 !== 0), 3);
  // 好差评: the caller rates a finished round once; a bad rating is verified, and a confirmed one rectified.
  if (['awaiting_callback', 'callback_disputed'].includes(t.status) && !rated.some((r) => r.round === t.callbackRound))
    main('rate', () => d.rate(t.id, RATING_LEVELS[v % RATING_LEVELS.length]!), 2);
  for (const x of verifications) {
    if (x.status === 'verifying' || x.status === 'appealed') main('decide verification', () => d.decideVerification(x.id, v % 3 !== 0), 2);
    if (x.status === 'confirmed') main('rectify', () => d.rectify(x.id, x.unitId), 2);
  }

  if (options.length === 0) return `no option in ${t.status}`;
  const [name, act] = options[(v >> 1) % options.length]!;
  await act();
  return name;
}

/** A scripted prelude, so the rare roads (reopen, appeal approved before later work, return, extension, termination, merge) are always taken. */
export async function prelude() {
  const { streetA, streetB, department } = w.units;
  const step = (minutes = 37) => deps.clock.advance(minutes * MIN);
  const counted = (batchSize: number) => rollup(deps, deps.clock.now(), { batchSize, maxBatches: 1 });
  const t1 = await d.create();
  step();
  const dup = await d.create();
  await d.merge(dup.id, t1.id);
  step();
  await d.dispatch(t1.id, streetA.id, [department.id]);
  await counted(3);
  for (const a of await d.assignmentsOf(t1.id)) {
    step(90);
    await d.sign(a.id);
  }
  step(300);
  await d.toCallback(t1.id);
  step(24 * 60);
  await d.callback(t1.id, { reached: true, solved: 'unsolved', satisfaction: 'dissatisfied' });
  await counted(5);
  await d.rate(t1.id, 'very_dissatisfied');
  const [badCheck] = await deps.db.select().from(ratingVerifications).where(eq(ratingVerifications.ticketId, t1.id));
  await counted(4);
  step();
  await d.decideVerification(badCheck!.id, true);
  step(16 * 24 * 60); // past the 15 working days' limit: rectified, not on time
  await d.rectify(badCheck!.id, badCheck!.unitId);
  step();
  await d.reopen(t1.id);
  step(120);
  await d.reply((await d.lead(t1.id)).id);
  step();
  await d.review(t1.id, 'reply', true);
  step(20 * 60);
  await d.callback(t1.id, { reached: true, solved: 'solved', satisfaction: 'basically_satisfied' });

  const t2 = await d.create();
  step();
  await d.dispatch(t2.id, streetB.id);
  step();
  await d.sign((await d.lead(t2.id)).id);
  await d.requestReturn((await d.lead(t2.id)).id);
  step();
  await d.review(t2.id, 'return', true);
  step();
  await d.dispatch(t2.id, streetA.id);
  const appeal = await d.appeal((await d.lead(t2.id)).id);
  await counted(2);
  step();
  await d.decideAppeal(appeal.id, true);
  step();
  await d.toCallback(t2.id);
  await d.rate(t2.id, 'basically_satisfied');
  for (let i = 0; i < 2; i++) {
    step(600);
    await d.callback(t2.id, { reached: false });
  }

  const t3 = await d.create();
  await d.dispatch(t3.id, streetA.id);
  step(500);
  await d.sign((await d.lead(t3.id)).id);
  await d.requestExtension((await d.lead(t3.id)).id, new Date(deps.clock.now().getTime() + 3 * 24 * 60 * MIN));
  step();
  await d.review(t3.id, 'extension', true);
  await d.requestTermination((await d.lead(t3.id)).id);
  step();
  await d.review(t3.id, 'termination', true);
}
