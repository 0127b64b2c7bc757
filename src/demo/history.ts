/**
 * The demo city's lived-in history: about 90 days of calls, window complaints and online submissions
 * handled through the product's own commands — intake, dispatch, sign, contact, reply, returns,
 * extensions, terminations, reviews, callbacks, reopens, appeals, 督办 — on a settable clock driven
 * through simulated time (engine.ts), with the SLA sweep, the SMS outbox, the hotspot job and the metric
 * rollup run as their schedules would have run them, ending at the real "now" of the first start.
 *
 * Deterministic for a given seed and "now" (one seeded generator; ids follow from a fresh database).
 * Besides the flow of ordinary work, a few stories are placed so that at "now" every role's queue holds
 * something whatever the hour (awaiting dispatch, sign, review, callback, a disputed callback, pending
 * return / extension / termination requests, pending appeals, overdue tickets with their 催办 and 督办),
 * and three clusters of calls make hotspots (two in the current week, one five weeks back that became a
 * governance topic). See docs/demo.md.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { assignments, categories, kbArticles, supervisionItems, tickets, units, users } from '../../db/schema/index.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../domain/auth/actor.ts';
import { fixedClock, shanghaiDate } from '../domain/clock.ts';
import { EventBus } from '../domain/events.ts';
import { CalendarStore, loadCalendar } from '../domain/calendar/store.ts';
import { addWorkingDays, type CalendarData } from '../domain/calendar/calendar.ts';
import { createTicket } from '../domain/tickets/commands/intake.ts';
import * as lc from '../domain/tickets/commands/lifecycle.ts';
import { createTicketInput } from '../domain/tickets/inputs.ts';
import { decideAppeal, fileAppeal } from '../domain/appeals/commands.ts';
import { resolveSupervisionItem, superviseTicket } from '../domain/sla/supervision.ts';
import { suggestionsFor } from '../domain/routing/suggest.ts';
import { openTopic, transitionTopic } from '../domain/governance/commands.ts';
import { openTopicInput } from '../domain/governance/inputs.ts';
import { rollup } from '../domain/metrics/rollup.ts';
import { detectHotspots } from '../domain/hotspots/spike-alerts.ts';
import { findSpikes } from '../domain/hotspots/detect.ts';
import { UNIT_ACTIVE, type TicketStatus } from '../domain/tickets/status.ts';
import type { AssignmentRow, TicketRow } from '../domain/tickets/queries.ts';
import type { Config } from '../config.ts';
import type { Logger } from 'pino';
import { Rng } from './random.ts';
import { Sim, type SimDeps } from './engine.ts';
import { advance, midnight, onShift, retreat, shifts, workingDay, type Shift, type Shifts } from './shifts.ts';
import { placeIn, type Place, type Street } from './places.ts';
import {
  CONTACT_SUMMARIES,
  EMERGENCIES,
  GENERIC_EXTENSION,
  LEAVES,
  NOTES,
  NOT_ACCEPTED,
  REJECT_REPLY_REASONS,
  RETURN_REASONS,
  TERMINATION_REASONS,
  callbackComment,
  newCaller,
  type Caller,
  type Ctx,
  type LeafSpec,
} from './demands.ts';

export const DEMO_HISTORY_SEED = 'jiesu demo city';

export type HistoryOptions = {
  /** Where the history ends (the first start's "now") */
  now: Date;
  /** How far back it starts (default 90) */
  days?: number;
  seed?: string;
  /** Calls per working day, before and within the last `recentDays` (the month a report covers, and this one, are the busy part) */
  volume?: { before: number; recent: number; recentDays: number };
};

export type HistoryReport = {
  from: string;
  to: string;
  contacts: number;
  tickets: number;
  commands: number;
  sweeps: number;
  failures: { process: string; error: string }[];
  /** Time per kind of step, heaviest first: { label: [count, ms] } */
  timings: Record<string, [number, number]>;
  ms: number;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type UnitInfo = { id: number; code: string; name: string; kind: string; path: string; parentId: number | null };

/** The demo city as the history needs it: accounts as actors, streets with their communities, categories, articles. */
async function loadWorld(db: Deps['db']) {
  const unitRows = await db.select({ id: units.id, code: units.code, name: units.name, kind: units.kind, path: units.path, parentId: units.parentId }).from(units);
  const unitByCode = new Map<string, UnitInfo>(unitRows.map((u) => [u.code, u]));
  const unitById = new Map<number, UnitInfo>(unitRows.map((u) => [u.id, u]));
  const userRows = await db.select({ id: users.id, username: users.username, displayName: users.displayName, role: users.role, unitId: users.unitId }).from(users);
  const actors = new Map<string, Actor>();
  for (const u of userRows) {
    actors.set(u.username, {
      userId: u.id,
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      unitId: u.unitId,
      unitPath: unitById.get(u.unitId)?.path ?? '/',
      via: 'session',
      ip: null,
      requestId: null,
    });
  }
  const actor = (username: string) => {
    const a = actors.get(username);
    if (!a) throw new Error(`demo history: no account ${username} (seed the demo city first)`);
    return a;
  };
  const handlerOf = (unitId: number) => actors.get(`handler.${unitById.get(unitId)?.code}`) ?? null;
  const leaderOf = (unitId: number) => actors.get(`leader.${unitById.get(unitId)?.code}`) ?? null;

  const streets: Street[] = unitRows
    .filter((u) => u.kind === 'street')
    .sort((a, b) => a.id - b.id)
    .map((s) => {
      const district = unitById.get(s.parentId!)!;
      return {
        id: s.id,
        code: s.code,
        name: s.name,
        district: { id: district.id, name: district.name },
        communities: unitRows.filter((c) => c.parentId === s.id && c.kind === 'community').sort((a, b) => a.id - b.id).map((c) => ({ id: c.id, code: c.code, name: c.name })),
      };
    });

  const catRows = await db.select({ id: categories.id, name: categories.name, parentId: categories.parentId }).from(categories);
  const catById = new Map(catRows.map((c) => [c.id, c]));
  const pathOf = (id: number): string => {
    const c = catById.get(id)!;
    return c.parentId ? `${pathOf(c.parentId)}/${c.name}` : c.name;
  };
  const categoryIds = new Map(catRows.map((c) => [pathOf(c.id), c.id]));
  const articles = await db.select({ id: kbArticles.id, categoryId: kbArticles.categoryId, body: kbArticles.body }).from(kbArticles).where(eq(kbArticles.active, true));
  return { unitByCode, unitById, actor, handlerOf, leaderOf, streets, categoryIds, articles };
}
type World = Awaited<ReturnType<typeof loadWorld>>;

const ASSIGNMENT_COLUMNS = {
  id: assignments.id,
  ticketId: assignments.ticketId,
  version: assignments.version,
  status: assignments.status,
  role: assignments.role,
  unitId: assignments.unitId,
  dispatchedAt: assignments.dispatchedAt,
  signDueAt: assignments.signDueAt,
  completeDueAt: assignments.completeDueAt,
};
type Assignment = Pick<AssignmentRow, keyof typeof ASSIGNMENT_COLUMNS>;

/** The pieces of one ticket's life the stories share. */
type Story = {
  id: number;
  number: string;
  leaf: LeafSpec;
  place: Place;
  caller: Caller;
  memo: Map<string, unknown>;
  createdAt: number;
};

/** How a dispatched ticket's handling goes; drawn once, when it is logged. */
type Plan = {
  /** Where the story stops, waiting (a pinned story; the rest run until "now" stops them) */
  stopAt?: 'dispatch' | 'sign' | 'contact' | 'reply' | 'review' | 'request' | 'callback' | 'disputed' | 'redo';
  /** Short delays, so a pinned story reaches its stop before "now" */
  brisk?: boolean;
  path: 'reply' | 'return_ok' | 'return_rejected' | 'extension_ok' | 'extension_rejected' | 'termination_ok' | 'termination_rejected' | 'stall' | 'late_reply';
  signLate?: boolean;
  noContact?: boolean;
  replyRejected?: boolean;
  callback: 'satisfied' | 'basic' | 'partly' | 'reopen' | 'close' | 'unreached_once' | 'unreached_all';
  appeal?: 'approve' | 'reject' | 'pending';
  supervise?: boolean;
  /** The dispatcher sends it to the street's first community rather than the street */
  community?: boolean;
  /** Lead unit chosen by the story (pinned stories for a unit the README names) */
  leadUnitCode?: string;
};

/** What the history needs of the composition root; the rest of its deps (a settable clock, its own bus) it makes. */
export type HistoryBase = { db: Deps['db']; database: Database; config: Config; logger: Logger };

export async function seedHistory(base: HistoryBase, opts: HistoryOptions): Promise<HistoryReport> {
  const t0 = performance.now();
  const days = opts.days ?? 90;
  const end = opts.now.getTime();
  const start = midnight(end, -days);
  const clock = fixedClock(new Date(start));
  // The jobs log each run at info; inside the history that would be hundreds of lines.
  const logger = base.logger.child({ demo: 'history' }, { level: 'warn' });
  const deps: SimDeps = { ...base, logger, clock, bus: new EventBus(), calendar: new CalendarStore() };
  const world = await loadWorld(deps.db);
  const cal = await loadCalendar(deps.db);
  const sh = shifts(cal);
  const rng = new Rng(`${opts.seed ?? DEMO_HISTORY_SEED}|${opts.now.toISOString()}|${days}`);
  const sim = new Sim(deps, start, end);
  const h = new History(deps, sim, world, cal, sh, rng, opts.volume ?? { before: 0.6, recent: 2.4, recentDays: 36 });
  h.plan(start, end);
  await sim.run();
  // The jobs of the first minute, at "now": metrics counted, hotspots detected.
  await rollup(deps, opts.now);
  await detectHotspots(deps, opts.now);
  const [{ n }] = (await deps.db.select({ n: sql<number>`count(*)::int` }).from(tickets)) as [{ n: number }];
  return {
    from: new Date(start).toISOString(),
    to: opts.now.toISOString(),
    contacts: h.contacts,
    tickets: n,
    commands: h.commands,
    sweeps: sim.sweeps,
    failures: sim.failures,
    timings: sim.timings.summary(),
    ms: Math.round(performance.now() - t0),
  };
}

/**
 * The first start's history, after the demo city was just seeded (src/seed/city.ts): `days` back to now, one line in
 * the log; a step that failed is logged as a warning (the rest of the history stands).
 */
export async function seedDemoHistory(base: HistoryBase, opts: { days: number; now?: Date }): Promise<HistoryReport | null> {
  if (opts.days <= 0) return null;
  const r = await seedHistory(base, { now: opts.now ?? new Date(), days: opts.days });
  base.logger.info(
    { contacts: r.contacts, tickets: r.tickets, commands: r.commands, ms: r.ms, from: r.from },
    `demo history seeded: ${r.contacts} contacts, ${r.tickets} tickets, ${r.commands} commands over ${opts.days} days in ${(r.ms / 1000).toFixed(1)} s`,
  );
  if (r.failures.length) base.logger.warn({ failures: r.failures.slice(0, 20), count: r.failures.length }, 'demo history: some steps failed');
  base.logger.debug({ timings: r.timings }, 'demo history: time per step');
  return r;
}

/** Phone calls by hour of the day (Asia/Shanghai), relative. */
const PHONE_HOURS = [0.25, 0.12, 0.08, 0.06, 0.08, 0.2, 0.5, 1.2, 2.6, 3.6, 3.6, 3.0, 1.8, 2.2, 3.1, 3.1, 2.8, 2.2, 1.6, 1.7, 1.5, 1.1, 0.7, 0.4];
/** Online submissions by hour: flatter, with an evening peak. */
const ONLINE_HOURS = [0.6, 0.4, 0.2, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.5, 1.5, 1.4, 1.4, 1.3, 1.3, 1.3, 1.3, 1.2, 1.4, 1.8, 2.2, 2.2, 1.8, 1.2];
/** Commands that may set new SLA warning marks (new assignments, a clock resumed, restarted or moved). */
const SETS_MARKS = new Set(['createTicket', 'dispatchTicket', 'reopenTicket', 'reviewExtension', 'reviewTermination', 'reviewReply', 'reviewReturn']);
/** Commands that may queue SMS (receipts, dispatch notices, the reply and extension notices). */
const QUEUES_SMS = new Set(['createTicket', 'dispatchTicket', 'reviewReply', 'reviewExtension']);
const COMMUNITY_LEVEL = new Set(['城市管理/市容环境/垃圾清运', '城市管理/市容环境/乱贴乱画', '生态环境/噪声污染/社会生活噪声', '住房/物业管理/物业服务质量']);

class History {
  contacts = 0;
  commands = 0;
  /** Tickets that went to units, for repeats and merges to find */
  private open: Story[] = [];
  private readonly fmtDay = (t: number) => {
    const d = shanghaiDate(new Date(t));
    return `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
  };

  constructor(
    private deps: SimDeps,
    private sim: Sim,
    private w: World,
    private cal: CalendarData,
    private sh: Shifts,
    private r: Rng,
    private volume: { before: number; recent: number; recentDays: number },
  ) {
    this.regulars = ['生态环境/噪声污染/社会生活噪声', '住房/物业管理/物业服务质量', '生态环境/大气污染/餐饮油烟', '交通/道路交通/停车管理'].map((path) => ({
      leaf: this.leaf(path),
      caller: newCaller(r),
      place: placeIn(r, r.pick(w.streets)),
    }));
  }

  // ---------------------------------------------------------------- the plan of the period

  plan(start: number, end: number) {
    // Ordinary calls, day by day: fewer on weekends and holidays; the last weeks busier than the months before.
    for (let day = start; day < end; day += DAY) {
      const dayNumber = Math.floor((day + 8 * HOUR) / DAY);
      const holiday = !workingDay(this.cal, dayNumber);
      const rate = end - day <= this.volume.recentDays * DAY ? this.volume.recent : this.volume.before;
      const count = this.r.poisson(rate * (holiday ? 0.45 : 1));
      for (let i = 0; i < count; i++) {
        const online = this.r.chance(0.2);
        const hour = this.r.weighted((online ? ONLINE_HOURS : PHONE_HOURS).map((w, h) => [h, w] as const));
        const at = day + hour * HOUR + this.r.int(0, 59) * MINUTE + this.r.int(0, 59) * 1000;
        if (at >= end) continue;
        const windowOpen = !online && onShift(this.cal, this.sh.window, at) && this.r.chance(0.25);
        this.sim.spawn(at, 'call', () => this.call(online ? 'online' : windowOpen ? 'window' : 'phone'));
      }
    }
    // A few residents call again and again about what troubles them at home (重复来电): each a new ticket.
    for (const regular of this.regulars) {
      for (let i = this.r.int(2, 4); i > 0; i--) {
        const day = midnight(end, -this.r.int(1, Math.min(60, Math.round((end - start) / DAY) - 1)));
        const at = day + this.r.int(8 * 60, 21 * 60) * MINUTE;
        if (at < start || at >= end) continue;
        this.sim.spawn(at, 'regular caller', async () => {
          const place = { ...placeIn(this.r, regular.place.street), compound: regular.place.compound, building: regular.place.building };
          const s = this.newStory(regular.leaf, regular.place.street, regular.caller, place);
          await this.intake(s, this.r.chance(0.8) ? 'phone' : 'online', this.drawPlan(s.leaf));
        });
      }
    }
    // Supervisors' routine and the daily jobs.
    for (let day = start; day < end; day += DAY) {
      this.sim.spawn(day + 7 * HOUR + 30 * MINUTE, 'hotspots job', () => this.hotspotsJob());
      this.sim.spawn(day + 9 * HOUR + 5 * MINUTE, 'supervisor routine', () => this.supervisorRoutine());
    }
    this.placeClusters(start, end);
    this.placePinned(start, end);
  }

  /** Residents who call more than once, each about one matter at home */
  private regulars: { leaf: LeafSpec; caller: Caller; place: Place }[];

  // ---------------------------------------------------------------- helpers

  private actor = (username: string) => this.w.actor(username);
  private operator() {
    const hour = new Date(this.sim.time + 8 * HOUR).getUTCHours();
    return this.actor(hour >= 8 && hour < 20 && this.r.chance(0.55) ? 'operator1' : 'operator2');
  }
  private ctx(s: Story): Ctx {
    const memo = s.memo;
    return {
      r: this.r,
      p: s.place,
      date: this.fmtDay(this.sim.time),
      one: <T,>(key: string, items: readonly T[]) => {
        if (!memo.has(key)) memo.set(key, this.r.pick(items));
        return memo.get(key) as T;
      },
      num: (key: string, min: number, max: number) => {
        if (!memo.has(key)) memo.set(key, this.r.int(min, max));
        return memo.get(key) as number;
      },
    };
  }
  private leafActive(leaf: LeafSpec, at: number) {
    if (!leaf.months) return true;
    const month = Number(shanghaiDate(new Date(at)).slice(5, 7));
    return leaf.months.includes(month);
  }
  private pickLeaf(filter: (l: LeafSpec) => boolean = () => true): LeafSpec {
    const at = this.sim.time;
    return this.r.weighted(LEAVES.filter((l) => filter(l) && this.leafActive(l, at)).map((l) => [l, l.weight] as const));
  }
  private leaf(path: string) {
    const l = LEAVES.find((x) => x.path === path);
    if (!l) throw new Error(`demo history: no demands for ${path}`);
    return l;
  }
  private categoryId(leaf: LeafSpec) {
    const id = this.w.categoryIds.get(leaf.path);
    if (id === undefined) throw new Error(`demo history: no category ${leaf.path}`);
    return id;
  }
  private street(code?: string): Street {
    return code ? this.w.streets.find((s) => s.code === code)! : this.r.pick(this.w.streets);
  }

  private async wait(shift: Shift, minutes: number) {
    await this.sim.until(advance(this.cal, shift, this.sim.time, minutes));
  }
  /** Waits for a moment on shift the next day or later (callbacks fall due the day after approval). */
  private async waitNextDay(shift: Shift, daysLater: number, minutes: number) {
    await this.sim.until(advance(this.cal, shift, midnight(this.sim.time, daysLater), minutes));
  }

  /**
   * What the next command needs of a ticket (version, status) and of an assignment, as the last command that
   * changed it returned them (every command returns its rows; the sweep and appeals change neither version nor
   * status), else read. A ticket-level command forgets the ticket's assignments (it may have changed them).
   */
  private knownTickets = new Map<number, Pick<TicketRow, 'version' | 'status'>>();
  private knownAssignments = new Map<number, Assignment>();
  private async ticket(id: number): Promise<Pick<TicketRow, 'version' | 'status'>> {
    const hit = this.knownTickets.get(id);
    if (hit) return hit;
    const [t] = await this.read(() => this.deps.db.select({ version: tickets.version, status: tickets.status }).from(tickets).where(eq(tickets.id, id)));
    this.knownTickets.set(id, t!);
    return t!;
  }
  private async assignment(id: number): Promise<Assignment> {
    const hit = this.knownAssignments.get(id);
    if (hit) return hit;
    const [a] = await this.read(() => this.deps.db.select(ASSIGNMENT_COLUMNS).from(assignments).where(eq(assignments.id, id)));
    this.knownAssignments.set(id, a!);
    return a!;
  }
  private remember(result: unknown) {
    if (!result || typeof result !== 'object') return;
    const isTicket = (x: unknown): x is TicketRow => !!x && typeof x === 'object' && 'callerPhone' in x && 'version' in x;
    const r = result as { ticket?: unknown; assignment?: AssignmentRow };
    if (r.assignment && isTicket(r.ticket)) {
      this.knownTickets.set(r.ticket.id, { version: r.ticket.version, status: r.ticket.status });
      const a = r.assignment;
      this.knownAssignments.set(a.id, { id: a.id, ticketId: a.ticketId, version: a.version, status: a.status, role: a.role, unitId: a.unitId, dispatchedAt: a.dispatchedAt, signDueAt: a.signDueAt, completeDueAt: a.completeDueAt });
    } else if (isTicket(r.ticket)) {
      this.knownTickets.set(r.ticket.id, { version: r.ticket.version, status: r.ticket.status });
    } else if (isTicket(result)) {
      this.knownTickets.set(result.id, { version: result.version, status: result.status });
      for (const [id, a] of this.knownAssignments) if (a.ticketId === result.id) this.knownAssignments.delete(id);
    }
  }
  private async leadOf(ticketId: number): Promise<Assignment | null> {
    const [a] = await this.deps.db
      .select(ASSIGNMENT_COLUMNS)
      .from(assignments)
      .where(and(eq(assignments.ticketId, ticketId), eq(assignments.role, 'lead')))
      .orderBy(desc(assignments.id))
      .limit(1);
    return a ?? null;
  }
  /** A command, counted and timed under its name; the jobs hear what it may have changed. */
  private async run<T>(label: string, p: () => Promise<T>): Promise<T> {
    const r = await this.sim.timings.time(label, p);
    this.commands++;
    this.remember(r);
    if (SETS_MARKS.has(label)) this.sim.marksMayHaveMoved();
    if (QUEUES_SMS.has(label)) this.sim.messagesQueued();
    return r;
  }
  private read<T>(p: () => Promise<T>): Promise<T> {
    return this.sim.timings.time('reads', p);
  }

  // ---------------------------------------------------------------- intake

  private newStory(leaf: LeafSpec, street: Street, caller = newCaller(this.r), place?: Place): Story {
    return { id: 0, number: '', leaf, place: place ?? placeIn(this.r, street), caller, memo: new Map(), createdAt: this.sim.time };
  }

  /** One ordinary contact: triage decides what becomes of it. */
  private async call(channel: 'phone' | 'online' | 'window') {
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

  private intakeBody(s: Story, extra: Record<string, unknown> = {}) {
    const c = this.ctx(s);
    const demand = this.r.pick(s.leaf.demands);
    const type = this.r.weighted(s.leaf.types);
    const urgency = s.leaf.urgency ? this.r.weighted(s.leaf.urgency) : 'normal';
    const confidential = s.leaf.path.endsWith('廉政问题线索') || (type === 'report' && this.r.chance(0.2));
    return {
      type,
      urgency,
      categoryId: this.categoryId(s.leaf),
      title: demand.title(c),
      content: demand.content(c),
      ...(s.leaf.placed ? { address: s.place.address } : {}),
      caller: { name: s.caller.name, phone: s.caller.phone },
      confidential,
      allowDirectContact: !confidential && this.r.chance(0.7),
      ...extra,
    };
  }

  private async create(s: Story, actor: Actor, body: Record<string, unknown>, channel?: 'online') {
    const r = await this.run('createTicket', () => createTicket(this.deps, actor, createTicketInput.parse(body), channel ? { channel } : {}));
    this.contacts++;
    s.id = r.ticket.id;
    s.number = r.ticket.number;
    s.createdAt = this.sim.time;
    return r.ticket;
  }

  private async directAnswer(s: Story) {
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

  private async notAccepted(s: Story) {
    const na = this.r.pick(NOT_ACCEPTED);
    await this.create(s, this.operator(), {
      type: 'help',
      categoryId: this.categoryId(this.leaf(na.category)),
      content: na.content,
      caller: { name: s.caller.name, phone: s.caller.phone },
      disposition: { kind: 'not_accepted', reason: na.reason },
    });
  }

  private async emergency(s: Story) {
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
  private async repeat(s: Story): Promise<boolean> {
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
  private async linkContact(target: Story, caller: Caller, content: string) {
    const body = { type: 'complaint', categoryId: this.categoryId(target.leaf), content, caller: { name: caller.name, phone: caller.phone }, disposition: { kind: 'repeat', ticketId: target.id } };
    await this.run('createTicket', () => createTicket(this.deps, this.operator(), createTicketInput.parse(body)));
    this.contacts++;
  }

  private drawPlan(leaf: LeafSpec): Plan {
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
      appeal: (late || callback === 'close') && this.r.chance(0.4) ? this.r.weighted([['approve', 2], ['reject', 3]] as const) : undefined,
      community: COMMUNITY_LEVEL.has(leaf.path) && this.r.chance(0.25),
    };
  }

  /** A ticket for the units: logged, then handled as its plan says. */
  private async intake(s: Story, channel: 'phone' | 'online' | 'window', plan: Plan, fate?: 'merge' | 'decline') {
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

  // ---------------------------------------------------------------- the centre

  private dispatchDelay(plan: Plan) {
    if (plan.brisk) return this.r.int(4, 20);
    return this.r.weighted([
      [this.r.int(3, 25), 80],
      [this.r.int(26, 90), 17],
      [this.r.int(91, 240), 3],
    ]);
  }
  private reviewDelay(plan: Plan) {
    if (plan.brisk) return this.r.int(10, 40);
    return this.r.weighted([
      [this.r.int(10, 120), 80],
      [this.r.int(121, 600), 20],
    ]);
  }

  private async handle(s: Story, t: TicketRow, plan: Plan, fate?: 'merge' | 'decline') {
    if (t.status === 'awaiting_dispatch') {
      if (plan.stopAt === 'dispatch') return;
      await this.wait(this.sh.dispatcher, this.dispatchDelay(plan));
      if (fate === 'merge' && (await this.merge(s))) return;
      if (fate === 'decline') {
        await this.run('declineTicket', async () => lc.declineTicket(this.deps, this.actor('dispatcher1'), s.id, { version: (await this.ticket(s.id)).version, reason: '经核实，诉求人反映的事项已由法院受理，不属于热线受理范围，已告知诉求人。' }));
        return;
      }
      if (!(await this.dispatch(s, plan))) return;
    }
    this.open.push(s);
    await this.units(s, plan);
  }

  /** The dispatcher takes the catalogue's first suggestion (another unit after a return), or the street's community. */
  private async dispatch(s: Story, plan: Plan): Promise<boolean> {
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
    await this.run('dispatchTicket', () => lc.dispatchTicket(this.deps, this.actor('dispatcher1'), s.id, { version: t.version, leadUnitId: lead, assistUnitIds: assist, designate: false }));
    return true;
  }

  /** A second caller's ticket about the same open matter is merged into it (并单). */
  private async merge(s: Story): Promise<boolean> {
    const t = await this.ticket(s.id);
    const target = this.open.find((o) => o.id !== s.id && o.leaf.path === s.leaf.path && o.place.street.id === s.place.street.id && o.createdAt > this.sim.time - 10 * DAY);
    if (!target || ['closed', 'awaiting_dispatch'].includes((await this.ticket(target.id)).status)) return false;
    await this.run('mergeTicket', () => lc.mergeTicket(this.deps, this.actor('dispatcher1'), s.id, { version: t.version, intoTicketId: target.id }));
    this.knownTickets.delete(target.id); // linked into: its version moved
    return true;
  }

  private async review(s: Story, kind: 'return' | 'extension' | 'termination' | 'reply', approve: boolean, extra: { reason?: string; note?: string } = {}) {
    const v = (await this.ticket(s.id)).version;
    const a = this.actor('dispatcher1');
    if (kind === 'return') return this.run('reviewReturn', () => lc.reviewReturn(this.deps, a, s.id, approve, { version: v, note: extra.note }));
    if (kind === 'extension') return this.run('reviewExtension', () => lc.reviewExtension(this.deps, a, s.id, approve, { version: v, note: extra.note }));
    if (kind === 'termination') return this.run('reviewTermination', () => lc.reviewTermination(this.deps, a, s.id, approve, { version: v, note: extra.note }));
    return this.run('reviewReply', () => lc.reviewReply(this.deps, a, s.id, approve, { version: v, reason: extra.reason, note: extra.note }));
  }

  // ---------------------------------------------------------------- the units

  /** The lead's work, and each assisting unit's alongside. */
  private async units(s: Story, plan: Plan) {
    const all = await this.read(() => this.deps.db.select(ASSIGNMENT_COLUMNS).from(assignments).where(eq(assignments.ticketId, s.id)).orderBy(asc(assignments.id)));
    for (const a of all.filter((x) => x.role === 'assist' && x.status === 'awaiting_sign')) {
      this.sim.spawn(this.sim.time, 'assist', () => this.assist(s, a.id, plan));
    }
    const lead = all.filter((x) => x.role === 'lead').at(-1);
    if (lead) await this.lead(s, lead.id, plan);
  }

  /** The unit's pace: its working hours, or round the clock for clocks counted in minutes (utilities, emergencies). */
  private unitShift(a: Assignment): Shift {
    const quick = a.signDueAt && a.signDueAt.getTime() - a.dispatchedAt.getTime() < 3 * HOUR;
    return quick ? this.sh.duty : this.sh.unit;
  }

  private async lead(s: Story, assignmentId: number, plan: Plan) {
    if (plan.stopAt === 'sign') return;
    let a = await this.assignment(assignmentId);
    const shift = this.unitShift(a);
    const handler = this.w.handlerOf(a.unitId);
    if (!handler) return;
    // Sign: within the limit, or (slow units) after it.
    if (plan.signLate && a.signDueAt) await this.sim.until(advance(this.cal, shift, a.signDueAt.getTime(), this.r.int(20, 200)));
    else if (shift === this.sh.duty) await this.wait(shift, this.r.weighted([[this.r.int(3, 25), 85], [this.r.int(26, 60), 15]]));
    else await this.wait(shift, plan.brisk ? this.r.int(3, 25) : this.r.weighted([[this.r.int(5, 60), 75], [this.r.int(61, 240), 25]]));
    await this.run('signAssignment', async () => lc.signAssignment(this.deps, handler, a.id, { version: (await this.assignment(a.id)).version }));
    if (plan.stopAt === 'contact') return;
    // Contact the caller (响应), unless this unit replies without calling (a response miss).
    if (!plan.noContact) {
      const quick = shift === this.sh.duty;
      await this.wait(shift, plan.brisk || quick ? this.r.int(5, 60) : this.r.weighted([[this.r.int(10, 150), 85], [this.r.int(151, 360), 15]]));
      a = await this.assignment(a.id);
      await this.run('contactCaller', () => lc.contactCaller(this.deps, handler, a.id, { version: a.version, method: this.r.weighted([['phone', 8], ['visit', 2]] as const), summary: this.r.pick(CONTACT_SUMMARIES) }));
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
        if (!(await this.ask(plan, a.id, plan.brisk ? this.r.int(5, 40) : this.r.int(30, 500), 'requestReturn', (v) => lc.requestReturn(this.deps, handler, a.id, { version: v, reason })))) return;
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
        if (!(await this.ask(plan, a.id, minutes, 'requestExtension', (v) => lc.requestExtension(this.deps, handler, a.id, { version: v, reason, requestedDueAt })))) return;
        if ((await this.ticket(s.id)).status !== 'in_progress') break;
        const ok = plan.path === 'extension_ok';
        await this.review(s, 'extension', ok, { note: ok ? '同意延期，请在新的期限内办结。' : '理由不充分，请在原期限内办结。' });
        break;
      }
      case 'termination_ok':
      case 'termination_rejected': {
        const reason = this.r.pick(TERMINATION_REASONS);
        if (!(await this.ask(plan, a.id, plan.brisk ? this.r.int(5, 40) : this.r.int(60, 900), 'requestTermination', (v) => lc.requestTermination(this.deps, handler, a.id, { version: v, reason })))) return;
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
  private async ask(plan: Plan, assignmentId: number, minutes: number, label: string, send: (version: number) => Promise<unknown>): Promise<boolean> {
    await this.wait(this.sh.unit, minutes);
    const a = await this.assignment(assignmentId);
    if (a.status !== 'in_progress') return false;
    await this.run(label, () => send(a.version));
    if (plan.stopAt === 'request') return false;
    await this.wait(this.sh.dispatcher, this.reviewDelay(plan));
    return true;
  }

  /** The lead replies (in time, or late for a slow unit), and the centre reviews it. */
  private async reply(s: Story, assignmentId: number, plan: Plan, shift: Shift) {
    let a = await this.assignment(assignmentId);
    const handler = this.w.handlerOf(a.unitId)!;
    const due = a.completeDueAt?.getTime();
    if (plan.path === 'late_reply' && due) {
      if (plan.supervise) this.sim.spawn(this.sim.time, 'supervise', () => this.supervise(s, a.id));
      await this.sim.until(advance(this.cal, shift, due, this.r.int(60, 900)));
    } else {
      let at = advance(this.cal, shift, this.sim.time, plan.brisk ? this.r.int(10, 60) : this.r.weighted([[this.r.int(60, 600), 55], [this.r.int(601, 1500), 45]]));
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
      await this.run('replyAssignment', () => lc.replyAssignment(this.deps, handler, a.id, { version: a.version, content: `${content}（补充：已于${this.fmtDay(this.sim.time)}再次与诉求人沟通确认处理结果。）` }));
      await this.wait(this.sh.dispatcher, this.reviewDelay(plan));
    }
    if ((await this.ticket(s.id)).status !== 'awaiting_review') return;
    await this.review(s, 'reply', true);
    await this.callback(s, plan);
  }

  /** An assisting unit signs and gives its part of the answer while the ticket is with the units. */
  private async assist(s: Story, assignmentId: number, plan: Plan) {
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
    await this.run('replyAssignment', () => lc.replyAssignment(this.deps, handler, a.id, { version: a.version, content: `本单位作为协办单位已配合现场核查，相关情况已向主办单位通报，配合意见：${this.r.pick(['同意主办单位处理意见。', '已按职责完成本单位承担的工作。'])}` }));
  }

  // ---------------------------------------------------------------- callback, reopen, appeals, 督办

  private async callback(s: Story, plan: Plan, round = 1) {
    if (plan.stopAt === 'callback') return;
    const agent = this.actor('callback1');
    // The day after approval (CALLBACK_DUE_DAYS), sometimes a day late.
    await this.waitNextDay(this.sh.callback, this.r.chance(0.88) ? 1 : 2, this.r.int(0, 480));
    const record = async (answers: { reached: boolean; solved?: 'solved' | 'partly' | 'unsolved'; satisfaction?: 'satisfied' | 'basically_satisfied' | 'dissatisfied'; comment?: string }) => {
      const t = await this.ticket(s.id);
      if (t.status !== 'awaiting_callback') return null;
      return this.run('recordCallback', () => lc.recordCallback(this.deps, agent, s.id, { version: t.version, ...answers }));
    };
    const outcome = round > 1 ? this.r.weighted<Plan['callback']>([['satisfied', 5], ['basic', 3], ['close', 1]]) : plan.callback;
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
        await record({ reached: true, solved: 'solved', satisfaction: 'satisfied', comment: this.r.chance(0.6) ? callbackComment(this.r, s.leaf.noun, 'satisfied') : undefined });
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
        if (plan.appeal && outcome === 'close') this.sim.spawn(this.sim.time, 'appeal', async () => this.appeal(s, (await this.leadOf(s.id))!.id, plan.appeal!, 'disputed'));
        if (plan.stopAt === 'disputed') return;
        await this.wait(this.sh.supervisor, plan.brisk ? this.r.int(20, 120) : this.r.int(60, 1200));
        const t = await this.ticket(s.id);
        if (t.status !== 'callback_disputed') return;
        const supervisor = this.actor('supervisor1');
        if (outcome === 'reopen' && round === 1) {
          await this.run('reopenTicket', () => lc.reopenTicket(this.deps, supervisor, s.id, { version: t.version, reason: '诉求人对处理结果不满意，经核实问题仍未解决，退回承办单位重新办理。' }));
          const lead = (await this.leadOf(s.id))!;
          const again = { ...plan, path: 'reply' as const, replyRejected: false, noContact: false };
          const shift = this.unitShift(lead);
          await this.wait(shift, this.r.int(30, 300));
          const a = await this.assignment(lead.id);
          await this.run('contactCaller', () => lc.contactCaller(this.deps, this.w.handlerOf(a.unitId)!, a.id, { version: a.version, method: 'visit', summary: '重办：已上门与诉求人面谈，重新核实问题。' }));
          if (plan.stopAt === 'redo') return;
          await this.replyThen(s, lead.id, again, shift, round + 1);
          return;
        }
        await this.run('closeTicket', () => lc.closeTicket(this.deps, supervisor, s.id, { version: t.version, note: '经核实，承办单位已按政策规定处理到位，诉求人的进一步要求超出政策范围，已向诉求人解释说明，予以办结。' }));
      }
    }
  }

  /** After a reopen: reply, review, and the next callback round. */
  private async replyThen(s: Story, assignmentId: number, plan: Plan, shift: Shift, round: number) {
    let a = await this.assignment(assignmentId);
    await this.wait(shift, this.r.int(120, 900));
    a = await this.assignment(a.id);
    if (a.status !== 'in_progress') return;
    await this.run('replyAssignment', () => lc.replyAssignment(this.deps, this.w.handlerOf(a.unitId)!, a.id, { version: a.version, content: `重办答复：${this.r.pick(s.leaf.replies)(this.ctx(s))}` }));
    await this.wait(this.sh.dispatcher, this.reviewDelay(plan));
    if ((await this.ticket(s.id)).status !== 'awaiting_review') return;
    await this.review(s, 'reply', true);
    await this.callback(s, { ...plan, stopAt: undefined }, round);
  }

  /** The unit's leader asks for the ticket to be left out of its score; a supervisor decides days later. */
  private async appeal(s: Story, assignmentId: number, decision: 'approve' | 'reject' | 'pending', why: 'overdue' | 'disputed') {
    // One appeal per story: a late reply whose callback is then closed as disputed is appealed once.
    if (s.memo.has('appealed')) return;
    s.memo.set('appealed', true);
    const a = await this.assignment(assignmentId);
    const leader = this.w.leaderOf(a.unitId);
    if (!leader) return;
    await this.wait(this.sh.unit, this.r.int(60, 900));
    const reasonCode = why === 'disputed' ? this.r.weighted([['unreasonable_demand', 3], ['malicious', 1]] as const) : this.r.weighted([['outside_duties', 2], ['other', 1]] as const);
    const reason =
      why === 'disputed'
        ? '诉求人的要求超出政策规定，承办单位已按规定处理并多次解释，申请该件不纳入考核。'
        : '该事项需协调产权单位和多个部门共同处理，超出本单位独立办理能力，已在期限内多次沟通，申请免于考核。';
    const appeal = await this.run('fileAppeal', () => fileAppeal(this.deps, leader, a.id, { reasonCode, reason }));
    if (decision === 'pending') return;
    await this.wait(this.sh.supervisor, this.r.int(120, 1500));
    const note = decision === 'approve' ? '经核实，申诉理由成立，同意该件不纳入承办单位考核。' : '经核实，承办单位未在期限内办结且未及时申请延期，申诉理由不成立。';
    await this.run('decideAppeal', () => decideAppeal(this.deps, this.actor('supervisor1'), appeal.id, decision === 'approve', { note }));
  }

  /** A supervisor presses an overdue ticket (督办) a working day after its deadline passed. */
  private async supervise(s: Story, assignmentId: number) {
    const a = await this.assignment(assignmentId);
    if (!a.completeDueAt) return;
    await this.sim.until(advance(this.cal, this.sh.supervisor, a.completeDueAt.getTime(), this.r.int(30, 400)));
    const t = await this.ticket(s.id);
    if (!['awaiting_sign', 'in_progress', 'return_requested', 'termination_requested', 'awaiting_review'].includes(t.status)) return;
    await this.run('superviseTicket', () => superviseTicket(this.deps, this.actor('supervisor1'), s.id, { version: t.version, reason: `督办：该件已超过办结期限，请${this.w.unitById.get(a.unitId)?.name ?? '承办单位'}于两个工作日内办结并答复。` }));
  }

  /** Each working morning a supervisor closes the 催办 and 督办 items of tickets the units no longer hold. */
  private async supervisorRoutine() {
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

  /** The daily hotspot job; a spike in the first weeks becomes a governance topic the supervisor opens that morning. */
  private async hotspotsJob() {
    const r = await this.sim.timings.time('jobs: hotspots', () => detectHotspots(this.deps, new Date(this.sim.time)));
    if (!r.raised || this.topicOpened || this.sim.end - this.sim.time < 14 * DAY) return;
    const to = midnight(this.sim.time);
    const spikes = await findSpikes(this.deps.db, { from: new Date(to - 7 * DAY), to: new Date(to) });
    const spike = spikes[0];
    if (!spike) return;
    this.topicOpened = true;
    this.sim.spawn(advance(this.cal, this.sh.supervisor, this.sim.time, this.r.int(30, 120)), 'topic', async () => {
      const supervisor = this.actor('supervisor1');
      const input = openTopicInput.parse({
        title: `${spike.streetName}${spike.categoryName}问题综合治理`,
        description: `近7天${spike.streetName}「${spike.categoryName}」类诉求${spike.count}件，明显高于此前各周。由属地街道牵头，会同城管执法、市场监管等部门开展综合整治，建立长效管理机制，每周报送进展。`,
        ownerUnitId: spike.streetUnitId,
        categoryId: spike.categoryId,
        streetUnitId: spike.streetUnitId,
        source: { kind: 'spike', details: { count: spike.count, mean: spike.mean, threshold: spike.threshold } },
        ticketIds: spike.ticketIds,
      });
      const topic = await this.run('openTopic', () => openTopic(this.deps, supervisor, input));
      await this.wait(this.sh.supervisor, this.r.int(120, 600));
      await this.run('transitionTopic', () => transitionTopic(this.deps, supervisor, topic.id, 'start', { version: topic.version, note: '已召开专题协调会，明确街道牵头、各部门分工。' }));
    });
  }
  private topicOpened = false;

  // ---------------------------------------------------------------- hotspots: clusters of calls

  private placeClusters(start: number, end: number) {
    // Two in the current week (the board's 7 days ending today), one five weeks back that becomes a topic.
    const clusters = [
      { leaf: '公用事业/供水/停水', street: 's-liulang', from: end - 4 * DAY, hours: 30, count: 6, repeats: 2 },
      { leaf: '生态环境/噪声污染/施工噪声', street: 's-nanhu', from: end - 5 * DAY, hours: 90, count: 5, repeats: 1 },
      { leaf: '城市管理/市容环境/占道经营', street: 's-hubin', from: end - 38 * DAY, hours: 80, count: 5, repeats: 1 },
    ];
    for (const c of clusters) {
      if (c.from < start + 7 * DAY) continue;
      const street = this.street(c.street);
      const site = placeIn(this.r, street);
      const ids: Story[] = [];
      for (let i = 0; i < c.count; i++) {
        const at = c.from + this.r.int(0, c.hours * 60) * MINUTE;
        this.sim.spawn(at, 'cluster', async () => {
          const place = { ...placeIn(this.r, street), site: site.site, road: site.road, landmark: site.landmark };
          const s = this.newStory(this.leaf(c.leaf), street, newCaller(this.r), place);
          ids.push(s);
          await this.intake(s, this.r.chance(0.75) ? 'phone' : 'online', this.drawPlan(s.leaf));
        });
      }
      for (let i = 0; i < c.repeats; i++) {
        this.sim.spawn(c.from + c.hours * 60 * MINUTE + this.r.int(60, 600) * MINUTE, 'cluster repeat', async () => {
          const target = ids[0];
          if (target?.id) {
            const t = await this.ticket(target.id);
            if (t.status === 'closed') return;
            const caller = newCaller(this.r);
            await this.linkContact(target, caller, `${caller.name}来电反映${target.place.road}一带${target.leaf.noun}问题，与${target.number}号工单反映的是同一事项，希望尽快解决。`);
          }
        });
      }
    }
  }

  // ---------------------------------------------------------------- pinned stories: every queue holds work at "now"

  private placePinned(start: number, end: number) {
    const unit = this.sh.unit;
    const pin = (at: number, leafPath: string, streetCode: string, plan: Partial<Plan>, channel: 'phone' | 'online' | 'window' = 'phone', caller?: Caller, home?: Partial<Place>) => {
      if (at < start) return; // a short history has room for the recent ones only
      this.sim.spawn(at, `pinned ${plan.stopAt ?? plan.path}`, async () => {
        const street = this.street(streetCode);
        const s = this.newStory(this.leaf(leafPath), street, caller, home && { ...placeIn(this.r, street), ...home });
        const base: Plan = { path: 'reply', callback: 'satisfied', community: false, signLate: false, noContact: false, replyRejected: false, supervise: false };
        await this.intake(s, channel, { ...base, ...plan });
      });
    };
    // The README's caller (王先生, 13812345678) has called before about 东华街道: his history and duplicate hints show at once.
    const wang: Caller = { name: '王先生', phone: '13812345678' };
    const home: Partial<Place> = { compound: '幸福里小区', building: '3号楼', road: '翠微路', no: 3, address: '东城区东华街道幸福里小区3号楼' };
    pin(midnight(end, -40) + 10 * HOUR, '城市管理/市容环境/垃圾清运', 's-donghua', { path: 'reply', callback: 'satisfied' }, 'phone', wang, home);
    pin(midnight(end, -19) + 15 * HOUR, '生态环境/噪声污染/社会生活噪声', 's-donghua', { path: 'reply', callback: 'basic' }, 'phone', wang, home);
    pin(retreat(this.cal, unit, end, 900), '城市管理/市容环境/垃圾清运', 's-donghua', { path: 'reply', brisk: true, stopAt: 'reply', leadUnitCode: 's-donghua' }, 'phone', wang, home);

    // Awaiting dispatch: the last hour's calls (one past the centre's 30 minutes).
    pin(end - 12 * MINUTE, '城市管理/市政设施/道路破损', 's-hepingli', { stopAt: 'dispatch' });
    pin(end - 26 * MINUTE, '住房/物业管理/物业服务质量', 's-taoyuan', { stopAt: 'dispatch' }, 'online');
    pin(end - 47 * MINUTE, '生态环境/大气污染/餐饮油烟', 's-chaoyangmen', { stopAt: 'dispatch' });
    // 东华街道's desk (the README's handler.s-donghua): to sign, in progress, near its deadline, overdue.
    const donghua = { leadUnitCode: 's-donghua', brisk: true };
    pin(retreat(this.cal, unit, end, 40), '城市管理/市容环境/占道经营', 's-donghua', { ...donghua, stopAt: 'sign' });
    pin(retreat(this.cal, unit, end, 200), '城市管理/违法建设/私搭乱建', 's-donghua', { ...donghua, stopAt: 'sign' });
    pin(retreat(this.cal, unit, end, 600), '住房/房屋维修/房屋漏水', 's-donghua', { ...donghua, stopAt: 'reply' });
    pin(retreat(this.cal, unit, end, 5 * 450), '住房/物业管理/电梯故障', 's-donghua', { ...donghua, stopAt: 'reply' });
    pin(retreat(this.cal, unit, end, 9 * 450), '城市管理/市政设施/井盖缺失', 's-donghua', { ...donghua, path: 'stall', supervise: true });
    // Overdue elsewhere: never replied (催办 and 督办 fired), one pressed by hand, one appealed and pending.
    pin(retreat(this.cal, unit, end, 8 * 450), '劳动保障/劳动关系/拖欠工资', 's-qinglong', { path: 'stall', brisk: true, supervise: true });
    pin(retreat(this.cal, unit, end, 11 * 450), '城市管理/违法建设/私搭乱建', 's-yunling', { path: 'stall', brisk: true, appeal: 'pending' });
    pin(retreat(this.cal, unit, end, 7 * 450), '住房/物业管理/物业收费', 's-baisha', { path: 'stall', brisk: true, signLate: true });
    // The review desk: replies, a return, an extension, a termination waiting.
    pin(retreat(this.cal, unit, end, 150), '交通/道路交通/停车管理', 's-liulang', { brisk: true, stopAt: 'review' });
    pin(retreat(this.cal, unit, end, 380), '市场监管/食品安全/餐饮卫生', 's-taoyuan', { brisk: true, stopAt: 'review' });
    pin(retreat(this.cal, unit, end, 300), '住房/物业管理/物业服务质量', 's-hepingli', { brisk: true, path: 'return_ok', stopAt: 'request' });
    pin(retreat(this.cal, unit, end, 420), '住房/房屋维修/房屋漏水', 's-nanhu', { brisk: true, path: 'extension_ok', stopAt: 'request' });
    pin(retreat(this.cal, unit, end, 260), '交通/公共交通/公交服务质量', 's-chaoyangmen', { brisk: true, path: 'termination_ok', stopAt: 'request' });
    // Callbacks: approved yesterday (due today); two disputed, waiting for the supervisor; one reopened.
    pin(retreat(this.cal, unit, midnight(end), 200), '城市管理/市政设施/路灯故障', 's-hubin', { brisk: true, stopAt: 'callback' });
    pin(retreat(this.cal, unit, midnight(end), 500), '市场监管/消费维权/预付卡退费', 's-nanhu', { brisk: true, stopAt: 'callback' });
    pin(retreat(this.cal, unit, end, 4 * 450), '生态环境/噪声污染/社会生活噪声', 's-baisha', { brisk: true, callback: 'reopen', stopAt: 'disputed' });
    pin(retreat(this.cal, unit, end, 5 * 450), '住房/物业管理/物业收费', 's-donghua', { brisk: true, callback: 'close', stopAt: 'disputed', appeal: 'pending' });
    pin(retreat(this.cal, unit, end, 6 * 450), '城市管理/市容环境/垃圾清运', 's-chaoyangmen', { brisk: true, callback: 'reopen', stopAt: 'redo' });
    // Appeals decided: one exempted (a late reply on a matter beyond the unit), one refused (a dispute closed).
    pin(midnight(end, -33) + 10 * HOUR, '城市管理/违法建设/私搭乱建', 's-taoyuan', { path: 'late_reply', appeal: 'approve', supervise: true });
    pin(midnight(end, -26) + 15 * HOUR, '住房/物业管理/物业收费', 's-hubin', { callback: 'close', appeal: 'reject' });
    // Triage at intake beyond direct answers: not accepted, an emergency transferred, a second caller's ticket merged (并单).
    const once = (at: number, name: string, fn: () => Promise<void>) => at >= start && this.sim.spawn(at, name, fn);
    once(midnight(end, -23) + 11 * HOUR, 'pinned not accepted', () => this.notAccepted(this.newStory(this.leaf('住房/物业管理/物业收费'), this.street())));
    once(midnight(end, -16) + 21 * HOUR, 'pinned emergency', () => this.emergency(this.newStory(this.leaf('公用事业/供气/燃气服务'), this.street('s-hepingli'))));
    const first = midnight(end, -12) + 10 * HOUR;
    pin(first, '城市管理/市容环境/垃圾清运', 's-nanhu', { path: 'reply' });
    once(first + 3 * HOUR, 'pinned merge', async () => {
      const s = this.newStory(this.leaf('城市管理/市容环境/垃圾清运'), this.street('s-nanhu'));
      await this.intake(s, 'phone', { path: 'reply', callback: 'satisfied' }, 'merge');
    });
  }
}
