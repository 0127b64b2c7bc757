/**
 * A clock's deadline as the metric fold knows it, and the cohort of one clock: what it has credited, on the
 * day of its deadline, moving with the deadline (contributions.ts explains the rules).
 */
import type { Counter } from './counters.ts';

export const date = (v: string | null | undefined): Date | null => {
  if (!v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

/** A clock's deadline: an instant; or awaiting the calendar (`waiting`: the first day it lacks); or none (no policy: cannot be missed). */
export type Due = { at: Date | null; waiting: string | null };
export const NONE: Due = { at: null, waiting: null };

/** 00:00 of an Asia/Shanghai date. */
const startOfDay = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** Was an act at `t` in time? null when it cannot be known yet (the deadline awaits the calendar and `t` is on or after its first missing day). */
export function inTime(t: Date, due: Due): boolean | null {
  if (due.at) return t <= due.at;
  if (due.waiting) return t < startOfDay(due.waiting) ? true : null;
  return true;
}

export type Emit = (counter: Counter, unitId: number, day: string, delta: number) => void;

/**
 * What one clock has credited, on one day. While pending (the deadline awaits the calendar) it shows only
 * its pending counters and holds everything else back; placed on a day, it shows its due counters and
 * everything held. Every change emits the difference, so the sums always equal the entry's state.
 */
export class Cohort {
  private day: string | null = null;
  private pending = false;
  private readonly facts = new Map<Counter, number>();
  constructor(
    private readonly unitId: number,
    private readonly due: readonly Counter[],
    private readonly waiting: readonly Counter[],
    private readonly emit: () => Emit,
  ) {}

  get isPending() {
    return this.pending;
  }

  /** Shown counters at the current place (due or pending ones, and the facts unless pending). */
  private shown(): Map<Counter, number> {
    const m = new Map<Counter, number>();
    if (this.day === null) return m;
    for (const c of this.pending ? this.waiting : this.due) m.set(c, (m.get(c) ?? 0) + 1);
    if (!this.pending) for (const [c, n] of this.facts) m.set(c, (m.get(c) ?? 0) + n);
    return m;
  }

  private change(mutate: () => void) {
    const before = this.shown();
    const beforeDay = this.day;
    mutate();
    const after = this.shown();
    const emit = this.emit();
    for (const [c, n] of before) if (n) emit(c, this.unitId, beforeDay!, -n);
    for (const [c, n] of after) if (n) emit(c, this.unitId, this.day!, n);
  }

  /** Place the clock on its due day, or as pending on the first day the calendar lacks. */
  place(day: string, pending: boolean) {
    if (day === this.day && pending === this.pending) return;
    this.change(() => {
      this.day = day;
      this.pending = pending;
    });
  }

  add(counter: Counter) {
    if (this.day === null) return;
    this.facts.set(counter, (this.facts.get(counter) ?? 0) + 1);
    if (!this.pending) this.emit()(counter, this.unitId, this.day, 1);
  }
}
