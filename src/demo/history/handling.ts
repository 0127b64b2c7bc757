/** A ticket with the centre and the units: dispatch or merge or decline, the lead's and assisting units' work, the requests and their reviews, the reply. */
import { asc, eq } from 'drizzle-orm';
import { assignments, tickets } from '../../../db/schema/index.ts';
import { addWorkingDays } from '../../domain/calendar/calendar.ts';
import { suggestionsFor } from '../../domain/routing/suggest.ts';
import * as lc from '../../domain/tickets/commands/lifecycle.ts';
import type { TicketRow } from '../../domain/tickets/queries.ts';
import { UNIT_ACTIVE, type TicketStatus } from '../../domain/tickets/status.ts';
import { CONTACT_SUMMARIES, GENERIC_EXTENSION, NOTES, REJECT_REPLY_REASONS, RETURN_REASONS, TERMINATION_REASONS } from '../demands.ts';
import { advance, retreat, type Shift } from '../shifts.ts';
import { IntakeDesk } from './intake.ts';
import { ASSIGNMENT_COLUMNS, DAY, HOUR, MINUTE, type Assignment, type Plan, type Story } from './world.ts';

export abstract class Handling extends IntakeDesk {
  /** After an approved reply (aftercare.ts). */
  protected abstract callback(s: Story, plan: Plan, round?: number): Promise<void>;
  protected abstract supervise(s: Story, assignmentId: number): Promise<void>;
  protected abstract appeal(s: Story, assignmentId: number, decision: 'approve' | 'reject' | 'pending', why: 'overdue' | 'disputed'): Promise<void>;

  protected dispatchDelay(plan: Plan) {
    if (plan.brisk) return this.r.int(4, 20);
    return this.r.weighted([
      [this.r.int(3, 25), 80],
      [this.r.int(26, 90), 17],
      [this.r.int(91, 240), 3],
    ]);
  }
  protected reviewDelay(plan: Plan) {
    if (plan.brisk) return this.r.int(10, 40);
    return this.r.weighted([
      [this.r.int(10, 120), 80],
      [this.r.int(121, 600), 20],
    ]);
  }

  protected async handle(s: Story, t: TicketRow, plan: Plan, fate?: 'merge' | 'decline') {
    if (t.status === 'awaiting_dispatch') {
      if (plan.stopAt === 'dispatch') return;
      await this.wait(this.sh.dispatcher, this.dispatchDelay(plan));
      if (fate === 'merge' && (await this.merge(s))) return;
      if (fate === 'decline') {
        await this.run('declineTicket', async () =>
          lc.declineTicket(this.deps, this.actor('dispatcher1'), s.id, {
            version: (await this.ticket(s.id)).version,
            reason: '经核实，诉求人反映的事项已由法院受理，不属于热线受理范围，已告知诉求人。',
          }),
        );
        return;
      }
      if (!(await this.dispatch(s, plan))) return;
    }
    this.open.push(s);
    await this.units(s, plan);
  }

  /** The dispatcher takes the catalogue's first suggestion (another unit after a return), or the street's community. */
  protected async dispatch(s: Story, plan: Plan): Promise<boolean> {
    const [t] = (await this.read(() => this.deps.db.select().from(tickets).where(eq(tickets.id, s.id)))) as [TicketRow];
    const sug = await this.sim.timings.time('dispatch suggestions', () => suggestionsFor(this.deps.db, t));
    const top = sug.candidates[0];
    let lead = plan.leadUnitCode ? this.w.unitByCode.get(plan.leadUnitCode)!.id : top?.leadUnitId;
    let assist = plan.leadUnitCode ? [] : (top?.assistUnitIds ?? []);
    if (!plan.leadUnitCode && plan.community && t.streetUnitId && lead === t.streetUnitId) {
      const street = this.w.streets.find((x) => x.id === t.streetUnitId);
      const community = street?.communities.find((c) => this.w.handlerOf(c.id));
      if (community) {
        lead = community.id;
        assist = [];
      }
    }
    if (!lead) lead = t.districtUnitId ?? this.w.unitByCode.get('dep-zwfw')!.id;
    assist = assist.filter((a) => a !== lead);
    await this.run('dispatchTicket', () =>
      lc.dispatchTicket(this.deps, this.actor('dispatcher1'), s.id, { version: t.version, leadUnitId: lead, assistUnitIds: assist, designate: false }),
    );
    return true;
  }

  /** A second caller's ticket about the same open matter is merged into it (并单). */
  protected async merge(s: Story): Promise<boolean> {
    const t = await this.ticket(s.id);
    const target = this.open.find(
      (o) => o.id !== s.id && o.leaf.path === s.leaf.path && o.place.street.id === s.place.street.id && o.createdAt > this.sim.time - 10 * DAY,
    );
    if (!target || ['closed', 'awaiting_dispatch'].includes((await this.ticket(target.id)).status)) return false;
    await this.run('mergeTicket', () => lc.mergeTicket(this.deps, this.actor('dispatcher1'), s.id, { version: t.version, intoTicketId: target.id }));
    this.knownTickets.delete(target.id); // linked into: its version moved
    return true;
  }

  protected async review(s: Story, kind: 'return' | 'extension' | 'termination' | 'reply', approve: boolean, extra: { reason?: string; note?: string } = {}) {
    const v = (await this.ticket(s.id)).version;
    const a = this.actor('dispatcher1');
    if (kind === 'return') return this.run('reviewReturn', () => lc.reviewReturn(this.deps, a, s.id, approve, { version: v, note: extra.note }));
    if (kind === 'extension') return this.run('reviewExtension', () => lc.reviewExtension(this.deps, a, s.id, approve, { version: v, note: extra.note }));
    if (kind === 'termination') return this.run('reviewTermination', () => lc.reviewTermination(this.deps, a, s.id, approve, { version: v, note: extra.note }));
    return this.run('reviewReply', () => lc.reviewReply(this.deps, a, s.id, approve, { version: v, reason: extra.reason, note: extra.note }));
  }

  // ---- the units

  /** The lead's work, and each assisting unit's alongside. */
  protected async units(s: Story, plan: Plan) {
    const all = await this.read(() =>
      this.deps.db.select(ASSIGNMENT_COLUMNS).from(assignments).where(eq(assignments.ticketId, s.id)).orderBy(asc(assignments.id)),
    );
    for (const a of all.filter((x) => x.role === 'assist' && x.status === 'awaiting_sign')) {
      this.sim.spawn(this.sim.time, 'assist', () => this.assist(s, a.id, plan));
    }
    const lead = all.filter((x) => x.role === 'lead').at(-1);
    if (lead) await this.lead(s, lead.id, plan);
  }

  /** The unit's pace: its working hours, or round the clock for clocks counted in minutes (utilities, emergencies). */
  protected unitShift(a: Assignment): Shift {
    const quick = a.signDueAt && a.signDueAt.getTime() - a.dispatchedAt.getTime() < 3 * HOUR;
    return quick ? this.sh.duty : this.sh.unit;
  }

  protected async lead(s: Story, assignmentId: number, plan: Plan) {
    if (plan.stopAt === 'sign') return;
    let a = await this.assignment(assignmentId);
    const shift = this.unitShift(a);
    const handler = this.w.handlerOf(a.unitId);
    if (!handler) return;
    // Sign: within the limit, or (slow units) after it.
    if (plan.signLate && a.signDueAt) await this.sim.until(advance(this.cal, shift, a.signDueAt.getTime(), this.r.int(20, 200)));
    else if (shift === this.sh.duty)
      await this.wait(
        shift,
        this.r.weighted([
          [this.r.int(3, 25), 85],
          [this.r.int(26, 60), 15],
        ]),
      );
    else
      await this.wait(
        shift,
        plan.brisk
          ? this.r.int(3, 25)
          : this.r.weighted([
              [this.r.int(5, 60), 75],
              [this.r.int(61, 240), 25],
            ]),
      );
    await this.run('signAssignment', async () => lc.signAssignment(this.deps, handler, a.id, { version: (await this.assignment(a.id)).version }));
    if (plan.stopAt === 'contact') return;
    // Contact the caller (响应), unless this unit replies without calling (a response miss).
    if (!plan.noContact) {
      const quick = shift === this.sh.duty;
      await this.wait(
        shift,
        plan.brisk || quick
          ? this.r.int(5, 60)
          : this.r.weighted([
              [this.r.int(10, 150), 85],
              [this.r.int(151, 360), 15],
            ]),
      );
      a = await this.assignment(a.id);
      await this.run('contactCaller', () =>
        lc.contactCaller(this.deps, handler, a.id, {
          version: a.version,
          method: this.r.weighted([
            ['phone', 8],
            ['visit', 2],
          ] as const),
          summary: this.r.pick(CONTACT_SUMMARIES),
        }),
      );
    }
    if (!plan.brisk && this.r.chance(0.12)) {
      await this.wait(this.sh.unit, this.r.int(30, 400));
      a = await this.assignment(a.id);
      if (a.status !== 'in_progress') return;
      await this.run('addNote', () => lc.addNote(this.deps, handler, a.id, { version: a.version, text: this.r.pick(NOTES) }));
    }
    if (plan.stopAt === 'reply') return;

    switch (plan.path) {
      case 'return_ok':
      case 'return_rejected': {
        const reason = this.r.pick(RETURN_REASONS);
        if (
          !(await this.ask(plan, a.id, plan.brisk ? this.r.int(5, 40) : this.r.int(30, 500), 'requestReturn', (v) =>
            lc.requestReturn(this.deps, handler, a.id, { version: v, reason }),
          ))
        )
          return;
        if (plan.path === 'return_ok') {
          await this.review(s, 'return', true, { note: '同意退单，改派相关单位。' });
          await this.wait(this.sh.dispatcher, this.dispatchDelay(plan));
          await this.dispatch(s, { ...plan, community: false, leadUnitCode: undefined });
          const next = await this.leadOf(s.id);
          if (next && next.id !== a.id) await this.lead(s, next.id, { ...plan, path: 'reply', signLate: false });
          return;
        }
        await this.review(s, 'return', false, { note: '经核实属于本单位职责范围，请继续办理。' });
        break;
      }
      case 'extension_ok':
      case 'extension_rejected': {
        const due = a.completeDueAt?.getTime();
        if (!due) break;
        // Asked for before the deadline, well ahead of it (never closer than two working hours).
        const delay = plan.brisk ? this.r.int(5, 40) : this.r.int(240, 1200);
        const latest = retreat(this.cal, this.sh.unit, due, 120);
        const minutes = Math.max(0, Math.min(delay, (latest - this.sim.time) / MINUTE));
        const reason = this.r.pick(s.leaf.extension ?? GENERIC_EXTENSION);
        const requestedDueAt = addWorkingDays(this.cal, new Date(due), this.r.int(3, 7)).toISOString();
        if (
          !(await this.ask(plan, a.id, minutes, 'requestExtension', (v) =>
            lc.requestExtension(this.deps, handler, a.id, { version: v, reason, requestedDueAt }),
          ))
        )
          return;
        if ((await this.ticket(s.id)).status !== 'in_progress') break;
        const ok = plan.path === 'extension_ok';
        await this.review(s, 'extension', ok, { note: ok ? '同意延期，请在新的期限内办结。' : '理由不充分，请在原期限内办结。' });
        break;
      }
      case 'termination_ok':
      case 'termination_rejected': {
        const reason = this.r.pick(TERMINATION_REASONS);
        if (
          !(await this.ask(plan, a.id, plan.brisk ? this.r.int(5, 40) : this.r.int(60, 900), 'requestTermination', (v) =>
            lc.requestTermination(this.deps, handler, a.id, { version: v, reason }),
          ))
        )
          return;
        if (plan.path === 'termination_ok') {
          await this.review(s, 'termination', true, { note: '同意终止办理。' });
          return;
        }
        await this.review(s, 'termination', false, { note: '诉求合理，请继续办理。' });
        break;
      }
      case 'stall':
        if (plan.supervise) this.sim.spawn(this.sim.time, 'supervise', () => this.supervise(s, a.id));
        if (plan.appeal) this.sim.spawn(this.sim.time, 'appeal', () => this.appeal(s, a.id, plan.appeal!, 'overdue'));
        return;
      default:
        break;
    }
    await this.reply(s, a.id, plan, shift);
  }

  /**
   * The lead asks the centre (a return, an extension, a termination) after `minutes` of its working time, then
   * the review desk takes it up; false when the story stops with the request pending.
   */
  protected async ask(plan: Plan, assignmentId: number, minutes: number, label: string, send: (version: number) => Promise<unknown>): Promise<boolean> {
    await this.wait(this.sh.unit, minutes);
    const a = await this.assignment(assignmentId);
    if (a.status !== 'in_progress') return false;
    await this.run(label, () => send(a.version));
    if (plan.stopAt === 'request') return false;
    await this.wait(this.sh.dispatcher, this.reviewDelay(plan));
    return true;
  }

  /** The lead replies (in time, or late for a slow unit), and the centre reviews it. */
  protected async reply(s: Story, assignmentId: number, plan: Plan, shift: Shift) {
    let a = await this.assignment(assignmentId);
    const handler = this.w.handlerOf(a.unitId)!;
    const due = a.completeDueAt?.getTime();
    if (plan.path === 'late_reply' && due) {
      if (plan.supervise) this.sim.spawn(this.sim.time, 'supervise', () => this.supervise(s, a.id));
      await this.sim.until(advance(this.cal, shift, due, this.r.int(60, 900)));
    } else {
      let at = advance(
        this.cal,
        shift,
        this.sim.time,
        plan.brisk
          ? this.r.int(10, 60)
          : this.r.weighted([
              [this.r.int(60, 600), 55],
              [this.r.int(601, 1500), 45],
            ]),
      );
      if (due && at > due) at = Math.max(this.sim.time, retreat(this.cal, shift, due, this.r.int(5, 90)));
      await this.sim.until(at);
    }
    a = await this.assignment(a.id);
    if (a.status !== 'in_progress') return;
    const content = this.r.pick(s.leaf.replies)(this.ctx(s));
    await this.run('replyAssignment', () => lc.replyAssignment(this.deps, handler, a.id, { version: a.version, content }));
    if (plan.appeal && plan.path === 'late_reply') this.sim.spawn(this.sim.time, 'appeal', () => this.appeal(s, a.id, plan.appeal!, 'overdue'));
    if (plan.stopAt === 'review') return;
    await this.wait(this.sh.dispatcher, this.reviewDelay(plan));
    if (plan.replyRejected) {
      plan = { ...plan, replyRejected: false };
      await this.review(s, 'reply', false, { reason: this.r.pick(REJECT_REPLY_REASONS) });
      await this.wait(shift, this.r.int(60, 400));
      a = await this.assignment(a.id);
      if (a.status !== 'in_progress') return;
      await this.run('replyAssignment', () =>
        lc.replyAssignment(this.deps, handler, a.id, {
          version: a.version,
          content: `${content}（补充：已于${this.fmtDay(this.sim.time)}再次与诉求人沟通确认处理结果。）`,
        }),
      );
      await this.wait(this.sh.dispatcher, this.reviewDelay(plan));
    }
    if ((await this.ticket(s.id)).status !== 'awaiting_review') return;
    await this.review(s, 'reply', true);
    await this.callback(s, plan);
  }

  /** An assisting unit signs and gives its part of the answer while the ticket is with the units. */
  protected async assist(s: Story, assignmentId: number, plan: Plan) {
    let a = await this.assignment(assignmentId);
    const handler = this.w.handlerOf(a.unitId);
    if (!handler || plan.stopAt === 'sign') return;
    await this.wait(this.unitShift(a), this.r.int(10, 120));
    const t = await this.ticket(s.id);
    if (!UNIT_ACTIVE.includes(t.status as TicketStatus)) return;
    a = await this.assignment(a.id);
    if (a.status !== 'awaiting_sign') return;
    await this.run('signAssignment', () => lc.signAssignment(this.deps, handler, a.id, { version: a.version }));
    await this.wait(this.sh.unit, this.r.int(30, 240));
    if (!UNIT_ACTIVE.includes((await this.ticket(s.id)).status as TicketStatus)) return;
    a = await this.assignment(a.id);
    if (a.status !== 'in_progress') return;
    await this.run('replyAssignment', () =>
      lc.replyAssignment(this.deps, handler, a.id, {
        version: a.version,
        content: `本单位作为协办单位已配合现场核查，相关情况已向主办单位通报，配合意见：${this.r.pick(['同意主办单位处理意见。', '已按职责完成本单位承担的工作。'])}`,
      }),
    );
  }
}
