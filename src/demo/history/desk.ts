/**
 * What every part of the history shares: the simulation and the city, the generator, and the helpers a story
 * uses — who acts, what a ticket and an assignment look like now (as the last command left them), commands
 * counted and timed, waiting on a shift. The stories themselves: intake.ts → handling.ts → aftercare.ts →
 * period.ts, each extending the one before.
 */
import { and, desc, eq } from 'drizzle-orm';
import { assignments, tickets } from '../../../db/schema/index.ts';
import { shanghaiDate } from '../../domain/clock.ts';
import type { CalendarData } from '../../domain/calendar/calendar.ts';
import type { AssignmentRow, TicketRow } from '../../domain/tickets/queries.ts';
import type { Sim, SimDeps } from '../engine.ts';
import { LEAVES, newCaller, type Ctx, type LeafSpec } from '../demands.ts';
import { placeIn, type Place, type Street } from '../places.ts';
import type { Rng } from '../random.ts';
import { advance, midnight, type Shift, type Shifts } from '../shifts.ts';
import { ASSIGNMENT_COLUMNS, HOUR, type Assignment, type Story, type World } from './world.ts';

/** Commands that may set new SLA warning marks (new assignments, a clock resumed, restarted or moved). */
const SETS_MARKS = new Set([
  'createTicket',
  'dispatchTicket',
  'handDown',
  'reopenTicket',
  'reviewExtension',
  'reviewTermination',
  'reviewReply',
  'reviewReturn',
]);
/** Commands that may queue SMS (receipts, dispatch notices, the reply and extension notices). */
const QUEUES_SMS = new Set(['createTicket', 'dispatchTicket', 'reviewReply', 'reviewExtension', 'rectifyVerification']);

export abstract class Desk {
  contacts = 0;
  commands = 0;
  /** Tickets that went to units, for repeats and merges to find */
  protected open: Story[] = [];
  protected readonly fmtDay = (t: number) => {
    const d = shanghaiDate(new Date(t));
    return `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
  };

  constructor(
    protected deps: SimDeps,
    protected sim: Sim,
    protected w: World,
    protected cal: CalendarData,
    protected sh: Shifts,
    protected r: Rng,
    protected volume: { before: number; recent: number; recentDays: number },
  ) {}

  // ---------------------------------------------------------------- helpers

  protected actor = (username: string) => this.w.actor(username);
  protected operator() {
    const hour = new Date(this.sim.time + 8 * HOUR).getUTCHours();
    return this.actor(hour >= 8 && hour < 20 && this.r.chance(0.55) ? 'operator1' : 'operator2');
  }
  protected ctx(s: Story): Ctx {
    const memo = s.memo;
    return {
      r: this.r,
      p: s.place,
      date: this.fmtDay(this.sim.time),
      one: <T>(key: string, items: readonly T[]) => {
        if (!memo.has(key)) memo.set(key, this.r.pick(items));
        return memo.get(key) as T;
      },
      num: (key: string, min: number, max: number) => {
        if (!memo.has(key)) memo.set(key, this.r.int(min, max));
        return memo.get(key) as number;
      },
    };
  }
  protected leafActive(leaf: LeafSpec, at: number) {
    if (!leaf.months) return true;
    const month = Number(shanghaiDate(new Date(at)).slice(5, 7));
    return leaf.months.includes(month);
  }
  protected pickLeaf(filter: (l: LeafSpec) => boolean = () => true): LeafSpec {
    const at = this.sim.time;
    return this.r.weighted(LEAVES.filter((l) => filter(l) && this.leafActive(l, at)).map((l) => [l, l.weight] as const));
  }
  protected leaf(path: string) {
    const l = LEAVES.find((x) => x.path === path);
    if (!l) throw new Error(`demo history: no demands for ${path}`);
    return l;
  }
  protected categoryId(leaf: LeafSpec) {
    const id = this.w.categoryIds.get(leaf.path);
    if (id === undefined) throw new Error(`demo history: no category ${leaf.path}`);
    return id;
  }
  protected street(code?: string): Street {
    return code ? this.w.streets.find((s) => s.code === code)! : this.r.pick(this.w.streets);
  }

  protected async wait(shift: Shift, minutes: number) {
    await this.sim.until(advance(this.cal, shift, this.sim.time, minutes));
  }
  /** Waits for a moment on shift the next day or later (callbacks fall due the day after approval). */
  protected async waitNextDay(shift: Shift, daysLater: number, minutes: number) {
    await this.sim.until(advance(this.cal, shift, midnight(this.sim.time, daysLater), minutes));
  }

  /**
   * What the next command needs of a ticket (version, status) and of an assignment, as the last command that
   * changed it returned them (every command returns its rows; the sweep and appeals change neither version nor
   * status), else read. A ticket-level command forgets the ticket's assignments (it may have changed them).
   */
  protected knownTickets = new Map<number, Pick<TicketRow, 'version' | 'status'>>();
  protected knownAssignments = new Map<number, Assignment>();
  protected async ticket(id: number): Promise<Pick<TicketRow, 'version' | 'status'>> {
    const hit = this.knownTickets.get(id);
    if (hit) return hit;
    const [t] = await this.read(() => this.deps.db.select({ version: tickets.version, status: tickets.status }).from(tickets).where(eq(tickets.id, id)));
    this.knownTickets.set(id, t!);
    return t!;
  }
  protected async assignment(id: number): Promise<Assignment> {
    const hit = this.knownAssignments.get(id);
    if (hit) return hit;
    const [a] = await this.read(() => this.deps.db.select(ASSIGNMENT_COLUMNS).from(assignments).where(eq(assignments.id, id)));
    this.knownAssignments.set(id, a!);
    return a!;
  }
  protected remember(result: unknown) {
    if (!result || typeof result !== 'object') return;
    const isTicket = (x: unknown): x is TicketRow => !!x && typeof x === 'object' && 'callerPhone' in x && 'version' in x;
    const r = result as { ticket?: unknown; assignment?: AssignmentRow };
    if (r.assignment && isTicket(r.ticket)) {
      this.knownTickets.set(r.ticket.id, { version: r.ticket.version, status: r.ticket.status });
      const a = r.assignment;
      this.knownAssignments.set(a.id, {
        id: a.id,
        ticketId: a.ticketId,
        version: a.version,
        status: a.status,
        role: a.role,
        unitId: a.unitId,
        dispatchedAt: a.dispatchedAt,
        signDueAt: a.signDueAt,
        completeDueAt: a.completeDueAt,
      });
    } else if (isTicket(r.ticket)) {
      this.knownTickets.set(r.ticket.id, { version: r.ticket.version, status: r.ticket.status });
    } else if (isTicket(result)) {
      this.knownTickets.set(result.id, { version: result.version, status: result.status });
      for (const [id, a] of this.knownAssignments) if (a.ticketId === result.id) this.knownAssignments.delete(id);
    }
  }
  protected async leadOf(ticketId: number): Promise<Assignment | null> {
    const [a] = await this.deps.db
      .select(ASSIGNMENT_COLUMNS)
      .from(assignments)
      .where(and(eq(assignments.ticketId, ticketId), eq(assignments.role, 'lead')))
      .orderBy(desc(assignments.id))
      .limit(1);
    return a ?? null;
  }
  /** A command, counted and timed under its name; the jobs hear what it may have changed. */
  protected async run<T>(label: string, p: () => Promise<T>): Promise<T> {
    const r = await this.sim.timings.time(label, p);
    this.commands++;
    this.remember(r);
    if (SETS_MARKS.has(label)) this.sim.marksMayHaveMoved();
    if (QUEUES_SMS.has(label)) this.sim.messagesQueued();
    return r;
  }
  protected read<T>(p: () => Promise<T>): Promise<T> {
    return this.sim.timings.time('reads', p);
  }

  protected newStory(leaf: LeafSpec, street: Street, caller = newCaller(this.r), place?: Place): Story {
    return { id: 0, number: '', leaf, place: place ?? placeIn(this.r, street), caller, memo: new Map(), createdAt: this.sim.time };
  }
}
