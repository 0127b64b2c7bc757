/** Intake: a call, a window complaint or an online submission, and what triage makes of it; a ticket for the units gets its plan. */
import { createTicket } from '../../domain/tickets/commands/intake.ts';
import { createTicketInput } from '../../domain/tickets/inputs.ts';
import type { Actor } from '../../domain/auth/actor.ts';
import type { TicketRow } from '../../domain/tickets/queries.ts';
import { EMERGENCIES, NOT_ACCEPTED, sayDemand, type Caller, type LeafSpec } from '../demands.ts';
import { Desk } from './desk.ts';
import { DAY, type Plan, type Story } from './world.ts';

/** Leaves a dispatcher sometimes hands straight to the street's community (a quarter of the time). */
export const COMMUNITY_LEVEL = new Set([
  '城市管理/市容环境/垃圾清运',
  '城市管理/市容环境/乱贴乱画',
  '生态环境/噪声污染/社会生活噪声',
  '住房/物业管理/物业服务质量',
]);

export abstract class IntakeDesk extends Desk {
  /** What becomes of a logged ticket (handling.ts). */
  protected abstract handle(s: Story, t: TicketRow, plan: Plan, fate?: 'merge' | 'decline'): Promise<void>;

  /** One ordinary contact: triage decides what becomes of it. */
  protected async call(channel: 'phone' | 'online' | 'window') {
    // Consultations the knowledge base answers on the call (直接答复): 40–75 % of contacts in real centres.
    if (channel === 'phone' && this.r.chance(0.5)) {
      const leaf = this.pickLeaf((l) => !!l.questions);
      return this.directAnswer(this.newStory(leaf, this.street()));
    }
    const leaf = this.pickLeaf(channel === 'window' ? (l) => !!l.window : undefined);
    const s = this.newStory(leaf, this.street());
    const d = this.r.next();
    if (channel === 'phone') {
      if (leaf.questions && d < 0.3) return this.directAnswer(s);
      if (d > 0.985) return this.notAccepted(s);
      if (d > 0.972) return this.emergency(s);
      if (d > 0.9 && (await this.repeat(s))) return;
    }
    const plan = this.drawPlan(leaf);
    const merge = channel !== 'window' && this.r.chance(0.03);
    await this.intake(s, channel, plan, merge ? 'merge' : this.r.chance(0.015) ? 'decline' : undefined);
  }

  protected intakeBody(s: Story, extra: Record<string, unknown> = {}) {
    const c = this.ctx(s);
    const demand = this.r.pick(s.leaf.demands);
    const type = this.r.weighted(s.leaf.types);
    const urgency = s.leaf.urgency ? this.r.weighted(s.leaf.urgency) : 'normal';
    const confidential = s.leaf.path.endsWith('廉政问题线索') || (type === 'report' && this.r.chance(0.2));
    // The caller's own words and the noise come from a fork: the history's draws stay as they were (demands/say.ts).
    const said = sayDemand(s.leaf, demand, c, this.r.fork('said'));
    return {
      type,
      urgency,
      categoryId: this.categoryId(s.leaf),
      title: said.title,
      content: said.content,
      ...(s.leaf.placed ? { address: s.place.address } : {}),
      caller: { name: s.caller.name, phone: s.caller.phone },
      confidential,
      allowDirectContact: !confidential && this.r.chance(0.7),
      ...extra,
    };
  }

  protected async create(s: Story, actor: Actor, body: Record<string, unknown>, channel?: 'online') {
    const r = await this.run('createTicket', () => createTicket(this.deps, actor, createTicketInput.parse(body), channel ? { channel } : {}));
    this.contacts++;
    s.id = r.ticket.id;
    s.number = r.ticket.number;
    s.createdAt = this.sim.time;
    return r.ticket;
  }

  protected async directAnswer(s: Story) {
    const c = this.ctx(s);
    const categoryId = this.categoryId(s.leaf);
    const article = this.w.articles.find((a) => a.categoryId === categoryId);
    if (!article) return;
    const question = this.r.pick(s.leaf.questions!)(c);
    const answer = `已根据知识库答复：${article.body.split('。').slice(0, 2).join('。')}。`;
    await this.create(s, this.operator(), {
      type: 'consult',
      categoryId,
      content: question,
      caller: { name: s.caller.name, phone: s.caller.phone },
      disposition: { kind: 'direct_answer', kbArticleId: article.id, answer },
    });
  }

  protected async notAccepted(s: Story) {
    const na = this.r.pick(NOT_ACCEPTED);
    await this.create(s, this.operator(), {
      type: 'help',
      categoryId: this.categoryId(this.leaf(na.category)),
      content: na.content,
      caller: { name: s.caller.name, phone: s.caller.phone },
      disposition: { kind: 'not_accepted', reason: na.reason },
    });
  }

  protected async emergency(s: Story) {
    const e = this.r.pick(EMERGENCIES);
    const leaf = this.leaf(e.category);
    s.leaf = leaf;
    await this.create(s, this.operator(), {
      type: 'help',
      urgency: 'emergency',
      categoryId: this.categoryId(leaf),
      content: e.content(this.ctx(s)),
      address: s.place.address,
      caller: { name: s.caller.name, phone: s.caller.phone },
      disposition: { kind: 'emergency_transfer', transferredTo: e.line, note: e.note },
    });
  }

  /** A caller asks about an open ticket (theirs, or a neighbour's about the same place): linked, no new ticket. */
  protected async repeat(s: Story): Promise<boolean> {
    const since = this.sim.time - 12 * DAY;
    const candidates = this.open.filter((o) => o.createdAt >= since && o.leaf.placed);
    if (!candidates.length) return false;
    const target = this.r.pick(candidates);
    const t = await this.ticket(target.id);
    if (t.status === 'closed') return false;
    const own = this.r.chance(0.6);
    const caller = own ? target.caller : s.caller;
    const content = own
      ? `诉求人再次来电，询问${target.number}号工单的办理进度：${this.r.pick(['反映的问题还没有解决，希望尽快处理。', '之前反映过，到现在还没有人联系我。', '情况比之前更严重了，请加快处理。'])}`
      : `${caller.name}来电反映${target.place.compound}一带的${target.leaf.noun}问题，与${target.number}号工单为同一事项，${this.r.pick(['希望一并处理。', '请尽快解决。'])}`;
    await this.linkContact(target, caller, content);
    return true;
  }

  /** A contact linked to an open ticket at intake (重复件, 并单): no new ticket. */
  protected async linkContact(target: Story, caller: Caller, content: string) {
    const body = {
      type: 'complaint',
      categoryId: this.categoryId(target.leaf),
      content,
      caller: { name: caller.name, phone: caller.phone },
      disposition: { kind: 'repeat', ticketId: target.id },
    };
    await this.run('createTicket', () => createTicket(this.deps, this.operator(), createTicketInput.parse(body)));
    this.contacts++;
  }

  protected drawPlan(leaf: LeafSpec): Plan {
    const path = this.r.weighted<Plan['path']>([
      ['reply', 78],
      ['return_ok', 4],
      ['return_rejected', 2],
      ['extension_ok', leaf.extension ? 6 : 3],
      ['extension_rejected', 1],
      ['termination_ok', 2],
      ['termination_rejected', 1],
      ['late_reply', 5],
    ]);
    const callback = this.r.weighted<Plan['callback']>([
      ['satisfied', 62],
      ['basic', 15],
      ['partly', 6],
      ['reopen', 6],
      ['close', 3],
      ['unreached_once', 6],
      ['unreached_all', 2],
    ]);
    const late = path === 'late_reply';
    return {
      path,
      callback,
      signLate: this.r.chance(0.05),
      noContact: this.r.chance(0.04),
      replyRejected: this.r.chance(0.05),
      supervise: late && this.r.chance(0.5),
      appeal:
        (late || callback === 'close') && this.r.chance(0.4)
          ? this.r.weighted([
              ['approve', 2],
              ['reject', 3],
            ] as const)
          : undefined,
      community: COMMUNITY_LEVEL.has(leaf.path) && this.r.chance(0.25),
    };
  }

  /** A ticket for the units: logged, then handled as its plan says. */
  protected async intake(s: Story, channel: 'phone' | 'online' | 'window', plan: Plan, fate?: 'merge' | 'decline') {
    const extra: Record<string, unknown> = {};
    if (channel === 'window') {
      const w = s.leaf.window!;
      extra.window = { matter: this.r.pick(w.matters), hallDepartment: this.r.pick(w.halls), reason: this.r.pick(w.reasons) };
    }
    if (channel === 'online' && s.leaf.placed && this.r.chance(0.5)) Object.assign(extra, { lat: s.place.lat, lng: s.place.lng });
    const actor = channel === 'window' ? this.actor('clerk1') : channel === 'online' ? this.actor('portal') : this.operator();
    const body = this.intakeBody(s, extra);
    const t = await this.create(s, actor, body, channel === 'online' ? 'online' : undefined);
    await this.handle(s, t, plan, fate);
  }
}
