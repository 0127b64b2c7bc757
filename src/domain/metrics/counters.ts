/**
 * The raw counters the rollup keeps per (day, unit, category, channel, appealed). Rates are never stored:
 * they are computed when read, from these counters and the metric settings, so a change of definition
 * (e.g. whether 基本满意 counts as satisfied) applies to all history at once without a rebuild.
 *
 * Each counter is bucketed on one day, stated here; see docs/metrics.md for the reasoning. Cohort counters
 * (dispatch day, due day) are added to the day of their cohort whenever their fact happens, so a rate over
 * one cohort never exceeds 100 %; due-day cohorts move when a deadline moves (extension, reopen, calendar).
 */
export const COUNTERS = [
  // intake (unit 0 = the centre; day = the contact's day)
  'contacts', // contacts logged: every new ticket and every repeat linked to one
  'repeatContacts', // repeats: linked to an existing ticket at intake, or merged into one later (on the merged ticket's day)
  'directAnswers', // tickets closed at intake as a direct answer
  'notAccepted', // tickets closed as not accepted (at intake or declined later; on the contact's day)
  // assignments by dispatch day (unit = the assignment's unit)
  'dispatched', // assignments dispatched, lead and assisting
  'signedOnTime', // signed by the sign-in deadline (or none set); a clock awaiting the calendar only once certain
  'signPending', // sign-in clocks still awaiting the calendar (out of 及时签收率 until recomputed)
  'replied', // assignments that replied at least once (回复率 by dispatch day)
  'leadDispatched', // lead assignments dispatched: the tickets a unit is due to complete
  'leadReturned', // lead assignments returned (退单 approved)
  'completed', // lead assignments whose ticket closed while they held it, or (a sub-assignment) whose reply its parent approved (办结率 by dispatch day)
  'handedDown', // of dispatched: sub-assignments, handed down by a unit rather than dispatched by the centre
  'leadHandedDown', // of leadDispatched: lead sub-assignments (leadDispatched − leadHandedDown: tickets the centre dispatched)
  // response clocks by the due day of the response deadline (a clock awaiting the calendar: pending, on the first day it lacks)
  'responseDue', // response clocks due
  'leadResponseDue', // the same, lead assignments only
  'respondedOnTime', // of those, first contact with the caller by the deadline, before any reply
  'leadRespondedOnTime', // the same, lead assignments only
  'responsePending', // response clocks awaiting the calendar
  'leadResponsePending',
  // completion clocks by the due day of the completion deadline (as extended, recomputed or restarted by a reopen)
  'completeDue', // completion clocks due, lead and assisting (回复率)
  'repliedDue', // of those, replied at least once
  'completePending', // completion clocks awaiting the calendar
  'leadCompleteDue', // lead completion clocks due (办结率)
  'completedDue', // of those, the ticket closed while the lead held it
  'leadCompleteReturned', // of those, returned (退单 approved)
  'leadCompletePending', // lead completion clocks awaiting the calendar (办结率, 按时办结率)
  // outcomes (unit = the lead unit at the time, the top-level one for the ticket's; day = the event's day)
  'closed', // tickets closed with a lead unit
  'completionJudged', // lead completion clocks judged: on time at the close, or missed (overdue, late reply…) on the deadline's day
  'closedOnTime', // of those, judged on time: closed, the lead's finishing act (last reply, termination request) by the deadline
  'subCompletionJudged', // of completionJudged: lead sub-assignments' clocks (judged at the parent's approval, or missed)
  'subClosedOnTime', // of closedOnTime: lead sub-assignments completed on time
  'closedRedone', // of closed, tickets reopened (重办) at least once
  'reopened', // reopen actions
  'callbacksConcluded', // callback rounds concluded: reached (close or dispute) or given up as unreached
  'callbackAttempts', // callback attempts (有效回访率's denominator)
  'callbacksValid', // of those, reached with an answer
  'solvedAnswers', // callbacks with a solved / partly / unsolved answer
  'solved',
  'partlySolved',
  'rated', // callbacks with a satisfaction answer
  'satisfied',
  'basicallySatisfied',
  // the centre's own clocks (unit 0; day = the decision's day; from the event's `centre` payload)
  'dispatchDecisions', // tickets dispatched by a dispatcher (auto-dispatch never waits and is not counted)
  'dispatchWaitMinutes', // their minutes waiting for dispatch, summed
  'dispatchOnTime', // of those, dispatched within the limit
  'reviewsDecided', // reviews decided: reply, return, extension, termination
  'reviewsOnTime', // of those, decided within the limit
  'callbackRounds', // callback rounds started: the first attempt after each approved reply
  'callbacksOnTime', // of those, made by the callback due time
  // callback coverage (回访率; unit = the top-level lead unit; day = the day the callback became due)
  'callbacksDue', // callback rounds opened: each approved reply (the ticket should be called back)
  'callbacksMade', // of those, rounds with at least one call (reached or not), on the round's opening day
  'callbacksDueTerminated', // tickets closed by an approved termination (no callback round): in 回访率's denominator if configured
  // the caller's own ratings (好差评; unit = the unit rated, the lead of the centre's dispatch; day = the rating's day, also for
  // what later happens to a bad rating's verification)
  'ratingsMade', // ratings given
  'ratingsGood', // of those, 非常满意, 满意 or 基本满意 (好评)
  'ratingsBad', // of those, 不满意 or 非常不满意 (差评): each opens a verification
  'badDismissed', // of ratingsBad, dismissed by the centre's verification (不予认定): out of 好评率 and 差评率
  'badConfirmed', // of ratingsBad, confirmed: to be rectified
  'badRectified', // of badConfirmed, rectified and answered
  'badRectifiedOnTime', // of badRectified, by the rectification deadline
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

export const zeroCounters = (): Counters => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;

/** snake_case column name of a counter (the schema uses drizzle's snake_case casing). */
export const counterColumn = (c: Counter) => c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);

/** The pseudo-unit of the centre's own counters: contacts (intake) and the centre's clocks belong to it, not to a handling unit. */
export const INTAKE_UNIT = 0;
