/** After the reply: the callback rounds, a reopen and its redo, the supervisor's 督办 and closes, the units' appeals. */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { ratingVerifications, supervisionItems, tickets } from '../../../db/schema/index.ts';
import type { RatingLevel } from '../../contract/vocab.ts';
import { decideAppeal, fileAppeal } from '../../domain/appeals/commands.ts';
import { resolveSupervisionItem, superviseTicket } from '../../domain/sla/supervision.ts';
import * as lc from '../../domain/tickets/commands/lifecycle.ts';
import { rateHandling } from '../../domain/ratings/rate.ts';
import { appealVerification, decideVerification, rectifyVerification } from '../../domain/ratings/verification.ts';
import { callbackComment } from '../demands.ts';
import { Rng } from '../random.ts';
import { advance, onShift, type Shift } from '../shifts.ts';
import { Handling } from './handling.ts';
import type { Plan, Story } from './world.ts';

export abstract class Aftercare extends Handling {
  protected async callback(s: Story, plan: Plan, round = 1) {
    if (plan.stopAt === 'callback') return;
    this.sim.spawn(this.sim.time, 'rating', () => this.rate(s, plan, round));
    const agent = this.actor('callback1');
    // The day after approval (CALLBACK_DUE_DAYS), sometimes a day late.
    await this.waitNextDay(this.sh.callback, this.r.chance(0.88) ? 1 : 2, this.r.int(0, 480));
    const record = async (answers: {
      reached: boolean;
      solved?: 'solved' | 'partly' | 'unsolved';
      satisfaction?: 'satisfied' | 'basically_satisfied' | 'dissatisfied';
      comment?: string;
    }) => {
      const t = await this.ticket(s.id);
      if (t.status !== 'awaiting_callback') return null;
      return this.run('recordCallback', () => lc.recordCallback(this.deps, agent, s.id, { version: t.version, ...answers }));
    };
    const outcome =
      round > 1
        ? this.r.weighted<Plan['callback']>([
            ['satisfied', 5],
            ['basic', 3],
            ['close', 1],
          ])
        : plan.callback;
    switch (outcome) {
      case 'unreached_all':
        for (let i = 0; i < this.deps.config.CALLBACK_MAX_ATTEMPTS; i++) {
          if (i > 0) await this.waitNextDay(this.sh.callback, 1, this.r.int(0, 500));
          await record({ reached: false });
        }
        return;
      case 'unreached_once':
        await record({ reached: false });
        await this.waitNextDay(this.sh.callback, 1, this.r.int(0, 500));
        await record({ reached: true, solved: 'solved', satisfaction: 'satisfied', comment: callbackComment(this.r, s.leaf.noun, 'satisfied') });
        return;
      case 'satisfied':
        await record({
          reached: true,
          solved: 'solved',
          satisfaction: 'satisfied',
          comment: this.r.chance(0.6) ? callbackComment(this.r, s.leaf.noun, 'satisfied') : undefined,
        });
        return;
      case 'basic':
        await record({ reached: true, solved: 'solved', satisfaction: 'basically_satisfied', comment: callbackComment(this.r, s.leaf.noun, 'basic') });
        return;
      case 'partly':
        await record({ reached: true, solved: 'partly', satisfaction: 'basically_satisfied', comment: callbackComment(this.r, s.leaf.noun, 'partly') });
        return;
      default: {
        const unsolved = this.r.chance(0.6);
        await record({
          reached: true,
          solved: unsolved ? 'unsolved' : 'partly',
          satisfaction: 'dissatisfied',
          comment: callbackComment(this.r, s.leaf.noun, unsolved ? 'unsolved' : 'dissatisfied'),
        });
        if (plan.appeal && outcome === 'close')
          this.sim.spawn(this.sim.time, 'appeal', async () => this.appeal(s, (await this.leadOf(s.id))!.id, plan.appeal!, 'disputed'));
        if (plan.stopAt === 'disputed') return;
        await this.wait(this.sh.supervisor, plan.brisk ? this.r.int(20, 120) : this.r.int(60, 1200));
        const t = await this.ticket(s.id);
        if (t.status !== 'callback_disputed') return;
        const supervisor = this.actor('supervisor1');
        if (outcome === 'reopen' && round === 1) {
          await this.run('reopenTicket', () =>
            lc.reopenTicket(this.deps, supervisor, s.id, { version: t.version, reason: '诉求人对处理结果不满意，经核实问题仍未解决，退回承办单位重新办理。' }),
          );
          const lead = (await this.leadOf(s.id))!;
          const again = { ...plan, path: 'reply' as const, replyRejected: false, noContact: false };
          const shift = this.unitShift(lead);
          await this.wait(shift, this.r.int(30, 300));
          const a = await this.assignment(lead.id);
          await this.run('contactCaller', () =>
            lc.contactCaller(this.deps, this.w.handlerOf(a.unitId)!, a.id, {
              version: a.version,
              method: 'visit',
              summary: '重办：已上门与诉求人面谈，重新核实问题。',
            }),
          );
          if (plan.stopAt === 'redo') return;
          await this.replyThen(s, lead.id, again, shift, round + 1);
          return;
        }
        await this.run('closeTicket', () =>
          lc.closeTicket(this.deps, supervisor, s.id, {
            version: t.version,
            note: '经核实，承办单位已按政策规定处理到位，诉求人的进一步要求超出政策范围，已向诉求人解释说明，予以办结。',
          }),
        );
      }
    }
  }

  /** After a reopen: reply, review, and the next callback round. */
  protected async replyThen(s: Story, assignmentId: number, plan: Plan, shift: Shift, round: number) {
    let a = await this.assignment(assignmentId);
    await this.wait(shift, this.r.int(120, 900));
    a = await this.assignment(a.id);
    if (a.status !== 'in_progress') return;
    await this.run('replyAssignment', () =>
      lc.replyAssignment(this.deps, this.w.handlerOf(a.unitId)!, a.id, {
        version: a.version,
        content: `重办答复：${this.r.pick(s.leaf.replies)(this.ctx(s))}`,
      }),
    );
    await this.wait(this.sh.dispatcher, this.reviewDelay(plan));
    if ((await this.ticket(s.id)).status !== 'awaiting_review') return;
    await this.review(s, 'reply', true);
    await this.callback(s, { ...plan, stopAt: undefined }, round);
  }

  /**
   * Some callers rate the handling (好差评) from the reply's SMS link or the look-up page, within a day or two —
   * their mood follows how the callback will go. A bad rating is verified: the unit's leader sometimes appeals,
   * a supervisor confirms or dismisses it, and a confirmed one is put right and answered days later. Its own
   * generator (from the ticket and round), so the rest of the history draws as it did before ratings existed.
   */
  protected async rate(s: Story, plan: Plan, round: number) {
    const r = new Rng(`rating ${s.number} ${round}`);
    if (!r.chance(0.3)) return;
    await this.wait(this.sh.callback, r.int(30, 1500));
    const [t] = await this.read(() =>
      this.deps.db.select({ status: tickets.status, round: tickets.callbackRound, last4: tickets.callerPhoneLast4 }).from(tickets).where(eq(tickets.id, s.id)),
    );
    if (!t?.last4 || t.round !== round || !['awaiting_callback', 'callback_disputed', 'closed'].includes(t.status)) return;
    const mood = round > 1 ? 'satisfied' : plan.callback;
    const level: RatingLevel =
      mood === 'reopen' || mood === 'close'
        ? r.pick(['dissatisfied', 'dissatisfied', 'very_dissatisfied'] as const)
        : mood === 'basic' || mood === 'partly'
          ? r.pick(['basically_satisfied', 'satisfied', 'dissatisfied'] as const)
          : r.pick(['very_satisfied', 'very_satisfied', 'satisfied'] as const);
    const bad = level === 'dissatisfied' || level === 'very_dissatisfied';
    const comment = bad ? r.pick(RATING_COMPLAINTS) : r.chance(0.4) ? r.pick(RATING_PRAISE) : null;
    await this.run('rateHandling', () => rateHandling(this.deps, { number: s.number, last4: t.last4!, level, comment }));
    if (!bad) return;
    const [v] = await this.read(() =>
      this.deps.db
        .select({ id: ratingVerifications.id, unitId: ratingVerifications.unitId })
        .from(ratingVerifications)
        .where(eq(ratingVerifications.ticketId, s.id))
        .orderBy(desc(ratingVerifications.id))
        .limit(1),
    );
    if (!v) return;
    const appealed = r.chance(0.35) && this.w.leaderOf(v.unitId);
    if (appealed) {
      await this.wait(this.sh.unit, r.int(60, 900));
      await this.run('appealVerification', () =>
        appealVerification(this.deps, appealed, v.id, { reason: '承办单位已按政策规定办理并向诉求人解释说明，诉求人的评价与办理事实不符，申请核实。' }),
      );
    }
    await this.wait(this.sh.supervisor, r.int(240, 1800));
    const confirm = appealed ? r.chance(0.5) : r.chance(0.8);
    await this.run('decideVerification', () =>
      decideVerification(this.deps, this.actor('supervisor1'), v.id, {
        confirm,
        note: confirm ? '经核实，差评反映的问题属实，请承办单位整改并答复诉求人。' : '经核实，承办单位已依法依规办理，差评理由不成立，不予认定。',
      }),
    );
    const fixer = this.w.handlerOf(v.unitId) ?? this.w.leaderOf(v.unitId);
    if (!confirm || !fixer) return;
    await this.wait(this.sh.unit, r.int(600, 4800));
    await this.run('rectifyVerification', () =>
      rectifyVerification(this.deps, fixer, v.id, {
        text: '已约谈具体经办人员，重新核查诉求事项并落实整改，建立跟踪台账。',
        answer: '您好，您对12345热线工单的评价已收到，承办单位已完成整改，感谢您的监督。',
      }),
    );
  }

  /** The unit's leader asks for the ticket to be left out of its score; a supervisor decides days later. */
  protected async appeal(s: Story, assignmentId: number, decision: 'approve' | 'reject' | 'pending', why: 'overdue' | 'disputed') {
    // One appeal per story: a late reply whose callback is then closed as disputed is appealed once.
    if (s.memo.has('appealed')) return;
    s.memo.set('appealed', true);
    const a = await this.assignment(assignmentId);
    const leader = this.w.leaderOf(a.unitId);
    if (!leader) return;
    await this.wait(this.sh.unit, this.r.int(60, 900));
    const reasonCode =
      why === 'disputed'
        ? this.r.weighted([
            ['unreasonable_demand', 3],
            ['malicious', 1],
          ] as const)
        : this.r.weighted([
            ['outside_duties', 2],
            ['other', 1],
          ] as const);
    const reason =
      why === 'disputed'
        ? '诉求人的要求超出政策规定，承办单位已按规定处理并多次解释，申请该件不纳入考核。'
        : '该事项需协调产权单位和多个部门共同处理，超出本单位独立办理能力，已在期限内多次沟通，申请免于考核。';
    const appeal = await this.run('fileAppeal', () => fileAppeal(this.deps, leader, a.id, { reasonCode, reason }));
    if (decision === 'pending') return;
    await this.wait(this.sh.supervisor, this.r.int(120, 1500));
    const note =
      decision === 'approve' ? '经核实，申诉理由成立，同意该件不纳入承办单位考核。' : '经核实，承办单位未在期限内办结且未及时申请延期，申诉理由不成立。';
    await this.run('decideAppeal', () => decideAppeal(this.deps, this.actor('supervisor1'), appeal.id, decision === 'approve', { note }));
  }

  /** A supervisor presses an overdue ticket (督办) a working day after its deadline passed. */
  protected async supervise(s: Story, assignmentId: number) {
    const a = await this.assignment(assignmentId);
    if (!a.completeDueAt) return;
    await this.sim.until(advance(this.cal, this.sh.supervisor, a.completeDueAt.getTime(), this.r.int(30, 400)));
    const t = await this.ticket(s.id);
    if (!['awaiting_sign', 'in_progress', 'return_requested', 'termination_requested', 'awaiting_review'].includes(t.status)) return;
    await this.run('superviseTicket', () =>
      superviseTicket(this.deps, this.actor('supervisor1'), s.id, {
        version: t.version,
        reason: `督办：该件已超过办结期限，请${this.w.unitById.get(a.unitId)?.name ?? '承办单位'}于两个工作日内办结并答复。`,
      }),
    );
  }

  /** Each working morning a supervisor closes the 催办 and 督办 items of tickets the units no longer hold. */
  protected async supervisorRoutine() {
    if (!onShift(this.cal, this.sh.supervisor, this.sim.time)) return;
    const items = await this.read(() =>
      this.deps.db
        .select({ id: supervisionItems.id })
        .from(supervisionItems)
        .innerJoin(tickets, eq(tickets.id, supervisionItems.ticketId))
        .where(and(sql`${supervisionItems.resolvedAt} is null`, inArray(tickets.status, ['closed', 'awaiting_callback']))),
    );
    for (const it of items) await this.run('resolveSupervisionItem', () => resolveSupervisionItem(this.deps, this.actor('supervisor1'), it.id));
  }
}

const RATING_COMPLAINTS = ['办理太慢，问题没有实际解决。', '工作人员只解释不办事。', '答复敷衍，和实际情况不符。', '反映多次还是老样子。'];
const RATING_PRAISE = ['处理及时，态度很好。', '问题解决了，谢谢！', '工作人员很耐心。'];
