/**
 * The raw counters the rollup keeps per (day, unit, category, channel, appealed). Rates are never stored:
 * they are computed when read, from these counters and the metric settings, so a change of definition
 * (e.g. whether 基本满意 counts as satisfied) applies to all history at once without a rebuild.
 *
 * Each counter is bucketed on one day, stated here; see docs/metrics.md for the reasoning.
 */
export const COUNTERS = [
  // intake (unit 0 = the centre's intake; day = the contact's day)
  'contacts', // contacts logged: every new ticket and every repeat linked to one
  'repeatContacts', // repeats: linked to an existing ticket at intake, or merged into one later (on the merged ticket's day)
  'directAnswers', // tickets closed at intake as a direct answer
  'notAccepted', // tickets closed as not accepted (at intake or declined later; on the contact's day)
  // assignments (unit = the assignment's unit; day = the assignment's dispatch day)
  'dispatched', // assignments dispatched, lead and assisting
  'signedOnTime', // signed by the sign-in deadline (or no deadline set)
  'respondedOnTime', // first contact with the caller by the response deadline (or none set)
  'leadRespondedOnTime', // the same, lead assignments only
  'replied', // assignments that replied at least once
  'leadDispatched', // lead assignments dispatched: the tickets a unit is due to complete
  'leadReturned', // lead assignments returned (退单 approved)
  'completed', // lead assignments whose ticket closed while they held it
  // outcomes (unit = the lead unit at the time; day = the event's day)
  'closed', // tickets closed with a lead unit
  'closedOnTime', // of those, the lead's last reply (or the close, when it never replied) by the completion deadline
  'closedRedone', // of those, tickets reopened (重办) at least once
  'reopened', // reopen actions
  'callbacksConcluded', // callback rounds concluded: reached (close or dispute) or given up as unreached
  'callbacksValid', // of those, reached with an answer
  'solvedAnswers', // callbacks with a solved / partly / unsolved answer
  'solved',
  'partlySolved',
  'rated', // callbacks with a satisfaction answer
  'satisfied',
  'basicallySatisfied',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

export const zeroCounters = (): Counters => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;

/** snake_case column name of a counter (the schema uses drizzle's snake_case casing). */
export const counterColumn = (c: Counter) => c.replace(/[A-Z]/g, (m) => '_' + m.toLowerCase());

/** The pseudo-unit of intake counters: contacts belong to the centre, not to a handling unit. */
export const INTAKE_UNIT = 0;
