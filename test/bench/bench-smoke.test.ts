/**
 * Keeps the benchmark harness from rotting: `npm run bench -- --quick` at a tiny scale on the bench's own
 * PostgreSQL server (bench/lib/pg.ts; CI installs postgresql). It never skips: without PostgreSQL server
 * binaries (and no server on BENCH_PG_PORT) it fails, saying so.
 *
 * Asserts the output shape and the correctness checks of every benchmark: intake answered only 201s, one
 * auto-dispatched ticket each; the generator's rollups (500 tickets) equal what the real rollup job computes
 * from their events, counter for counter, with every counter the generated lifecycles can move moved; the
 * generated events have the shape of those the product's commands write for the same lifecycles; the
 * dashboards agree with the raw aggregate; the generator's drill-down ledger equals the one the rollup job writes;
 * every unit's rates for any period agree with a plain aggregate and each drill-down page lists the plain SQL's
 * tickets with totals equal to the figure; the sweep (2,000 open assignments)
 * fires every expected warning exactly once with its event, reminder, supervision item and SMS, and a second
 * pass fires nothing, and the bare pass and the sweep before the escalation move write the same rows; one
 * realtime event reaches each of 50 authenticated clients exactly once.
 */
import { describe, expect, it } from 'vitest';
import { runBench } from '../../bench/run.ts';
import type { SweepFigures } from '../../bench/sweep.ts';
import type { RealtimeFigures } from '../../bench/realtime.ts';
import type { RollupCheck } from '../../bench/lib/verify.ts';
import type { ShapeCheck } from '../../bench/lib/shapes.ts';
import type { PeriodsFigures } from '../../bench/periods.ts';
import { COUNTERS } from '../../src/domain/metrics/counters.ts';

describe('bench harness (quick)', () => {
  it('runs every PostgreSQL benchmark at a tiny scale with every check passing', { timeout: 240_000 }, async () => {
    const out = await runBench({ quick: true, only: ['intake', 'dashboards', 'periods', 'sweep', 'realtime'], write: false, log: () => {} });
    expect(out.quick).toBe(true);
    expect(out.machine).toMatchObject({ cpus: expect.any(Number), postgres: expect.any(String) });
    expect(out.rows.map((r) => r.bench)).toEqual([
      'intake',
      'intake',
      'intake',
      'intake',
      'intake',
      'dashboards quick',
      'dashboards quick',
      ...Array.from({ length: 12 }, () => 'periods quick'),
      'sweep quick',
      'sweep quick',
      'sweep quick',
      'sweep quick',
      'realtime',
      'realtime',
    ]);
    for (const r of out.rows)
      expect(r).toMatchObject({ figure: expect.any(String), value: expect.any(String), baseline: expect.any(String), goal: expect.any(String) });

    // Intake with callers encrypted was measured against the same product writing them in plain text.
    expect((out.results.intake as { encryption: { ratio: number } }).encryption.ratio).toBeGreaterThan(0);

    const rollup = out.results.rollupCheck as RollupCheck;
    expect(rollup.rows).toBeGreaterThan(0);
    expect(rollup.mismatches).toBe(0);
    // The drill-down ledger the generator writes is the one the rollup job writes, ticket by ticket.
    expect(rollup.ledger.rows).toBeGreaterThan(0);
    expect(rollup.ledger.mismatches).toBe(0);
    // The generated lifecycles exercise every counter the happy path can move (due-day cohorts, 按时办结率 judged,
    // callback attempts, the centre's clocks…); only those of clocks awaiting the calendar, returns and reopens stay 0.
    const outOfScope = [
      'signPending',
      'responsePending',
      'leadResponsePending',
      'completePending',
      'leadCompletePending',
      'leadReturned',
      'leadCompleteReturned',
      'closedRedone',
      'reopened',
      // the chain of levels: the synthetic data hands nothing down
      'handedDown',
      'leadHandedDown',
      'subCompletionJudged',
      'subClosedOnTime',
      // no generated lifecycle ends in an approved termination
      'callbacksDueTerminated',
      // nor in a citizen's rating (好差评): the synthetic callers never rate
      'ratingsMade',
      'ratingsGood',
      'ratingsBad',
      'badDismissed',
      'badConfirmed',
      'badRectified',
      'badRectifiedOnTime',
    ];
    for (const c of COUNTERS) {
      if (outOfScope.includes(c)) expect(rollup.totals[c], c).toBe(0);
      else expect(rollup.totals[c], c).toBeGreaterThan(0);
    }
    expect(rollup.totals.leadRespondedOnTime).toBeLessThan(rollup.totals.leadResponseDue);
    expect(rollup.totals.closedOnTime).toBeLessThan(rollup.totals.completionJudged);
    expect(rollup.totals.callbacksValid).toBeLessThan(rollup.totals.callbackAttempts);
    const intake = out.results.intake as {
      app: { ok: number; non2xx: number };
      bare: { ok: number };
      sameWork: { ok: number; rows: number; check: boolean };
      check: { ok: boolean };
    };
    expect(intake.app.ok).toBeGreaterThan(0);
    expect(intake.bare.ok).toBeGreaterThan(0);
    // The same-work baseline wrote a ticket (with its assignment and two events) for every 201.
    expect(intake.sameWork.ok).toBeGreaterThan(0);
    expect(intake.sameWork.rows).toBeGreaterThanOrEqual(intake.sameWork.ok);
    expect(intake.sameWork.check).toBe(true);
    expect(intake.app.non2xx).toBe(0);

    const sweep = out.results.sweep_quick as SweepFigures;
    expect(sweep).toMatchObject({ assignments: 2000, moving: 200, alreadyOverdue: 100 });
    expect(sweep.steady.naiveDue).toBe(0);
    expect(sweep.steady.sweep.runs).toBeGreaterThan(0);
    expect(sweep.moving_pass.fired).toBe(200);
    expect(sweep.moving_pass.baseline.assignments).toBeGreaterThan(0);
    expect(sweep.check).toEqual({
      ok: true,
      expected: 200,
      alerts: 200,
      events: 200,
      distinct: 200,
      orphans: 0,
      supervision: 400,
      sms: 200,
      leftDue: 0,
      secondPass: 0,
      published: 200,
      sameWorkDifferences: [],
    });
    // The same rows written bare: as many rows in each table as the product's pass, the same content
    expect(sweep.moving_pass.sameWork.written).toMatchObject({ sla_alerts: 200, supervision_items: 400, ticket_events: 200, notifications: 200 });
    // The sweep before the escalation move, twice around two more of the product's passes: the same rows each time, timed.
    expect(sweep.moving_pass.beforeMove.differences).toEqual([]);
    expect(sweep.moving_pass.beforeMove.runs.before).toHaveLength(2);
    expect(sweep.moving_pass.beforeMove.runs.product).toHaveLength(2);
    expect(sweep.moving_pass.beforeMove.ratio).toBeGreaterThan(0);
    expect(sweep.steady.beforeMove.runs).toBe(sweep.steady.sweep.runs);

    const rt = out.results.realtime as RealtimeFigures;
    expect(rt.clients).toBe(50);
    expect(rt.app).toMatchObject({ received: 50 * rt.rounds, expected: 50 * rt.rounds, duplicates: 0, wrong: 0 });
    expect(rt.bare).toMatchObject({ received: 50 * rt.rounds, expected: 50 * rt.rounds });
    expect(rt.app.rssMB).toBeGreaterThan(0);
    expect(rt.app.p99).toBeGreaterThan(0);

    // The generated events are the ones the product's commands write for the same lifecycles, kind by kind.
    const shapes = out.results.eventShapes as ShapeCheck;
    expect(shapes.differences).toEqual([]);
    expect(shapes.types).toEqual(
      expect.arrayContaining([
        'ticket_created',
        'contact_linked',
        'dispatch',
        'sign',
        'contact',
        'sla_warning:complete:overdue',
        'reply',
        'approve_reply',
        'callback_retry',
        'callback_close',
        'callback_dispute',
        'close',
      ]),
    );

    // Any period and the drill-down: every unit's counters as the plain aggregate's, each drill page the plain SQL's tickets.
    const periods = out.results.periods_quick as PeriodsFigures;
    expect(periods.figures.filter((x) => x.kind === 'rates')).toHaveLength(4);
    expect(periods.figures.filter((x) => x.kind === 'drill')).toHaveLength(8);
    expect(periods.check.detail.filter((d) => d.includes('NOT') || d.includes('DIFFER'))).toEqual([]);

    expect(out.checks).toEqual({
      intake: true,
      rollups: true,
      event_shapes: true,
      dashboards_quick: true,
      periods_quick: true,
      sweep_quick: true,
      realtime: true,
    });
  });
});
