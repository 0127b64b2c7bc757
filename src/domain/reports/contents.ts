/**
 * What a monthly report holds (stored as monthly_reports.data): MonthlyFigures and its parts, the lists'
 * lengths, and how a month compares with the one before. figures.ts computes it; the HTML, the charts
 * and the workbook present it.
 */
import type { CentreClock } from '../centre/clocks.ts';
import type { MetricKey, MetricSettings, MetricUnit } from '../metrics/definitions.ts';
import type { RankedLevel } from '../metrics/queries.ts';
import type { Channel } from '../vocab.ts';
import type { TypicalCase } from './cases.ts';
import type { ReportHotspots } from './hotspots.ts';
import type { KeySupervisionFigures } from './key-supervision-section.ts';
import type { TriageFigures } from './triage-section.ts';

/** Categories listed in the report, by volume. */
export const TOP_CATEGORIES = 10;
/** Units listed in each "most …" table (overdue, returns, reopens, appeals). */
export const TOP_UNITS = 10;

import type { Change } from './format.ts';

export type { Change };
/** A rate (a fraction) or, for 平均派单时长, minutes (`unit`); `pending`: clocks awaiting the calendar, left out of it; `changePoints`: percentage points, or minutes. */
export type RateFigure = {
  key: MetricKey;
  name: string;
  value: number | null;
  numerator: number;
  denominator: number;
  pending: number;
  unit: MetricUnit;
  previous: number | null;
  changePoints: number | null;
  definition: string;
};
/** One of the centre's own clocks this month, from the decisions' events: how many, how many within the limit, the waits. */
export type CentreClockFigure = {
  clock: CentreClock;
  name: string;
  decided: number;
  onTime: number;
  avgWaitMinutes: number | null;
  maxWaitMinutes: number | null;
};
export type ChannelFigure = { channel: Channel; name: string; share: number | null } & Change;
export type CategoryFigure = { rank: number; id: number; name: string; path: string; share: number | null; previousRank: number | null } & Change;
export type UnitRef = { id: number; name: string; kind: string };
/** The rates a unit is assessed on, as fractions (null: nothing due). */
export const UNIT_RATE_KEYS = [
  'timely_sign_rate',
  'response_rate',
  'reply_rate',
  'completion_rate',
  'on_time_completion_rate',
  'solved_rate',
  'satisfaction_rate',
  'return_rate',
  'redo_rate',
  'good_review_rate',
  'bad_review_rate',
  'bad_review_rectification_rate',
] as const satisfies readonly MetricKey[];
export type UnitRateKey = (typeof UNIT_RATE_KEYS)[number];
export type UnitRateCounts = Record<UnitRateKey, [numerator: number, denominator: number]>;
export type UnitFigure = {
  unit: UnitRef & { code: string };
  rank: number | null;
  composite: number | null;
  dispatched: number;
  leadDispatched: number;
  /** over the unit's subtree (含下级) */
  rates: Record<UnitRateKey, number | null>;
  /** each rate's [numerator, denominator] (the report links them to their tickets); absent from reports generated before it */
  counts?: UnitRateCounts;
  /** the unit's own assignments (本级: those the centre dispatched to it and those handed down to it); absent from reports generated before it */
  own?: { dispatched: number; handedDown: number; leadDispatched: number; rates: Record<UnitRateKey, number | null>; counts?: UnitRateCounts };
};
export type RankedFigure = {
  rank: number;
  unit: UnitRef & { code: string };
  composite: number;
  response: number | null;
  solved: number | null;
  satisfaction: number | null;
};
export type LevelFigure = { level: RankedLevel; name: string; units: UnitFigure[]; red: RankedFigure[]; black: RankedFigure[]; unranked: number };
export type UnitCount = { unit: UnitRef; count: number };

export type MonthlyFigures = {
  schemaVersion: 1;
  month: string;
  previousMonth: string;
  period: { start: string; end: string };
  centreName: string;
  generatedAt: string;
  settings: MetricSettings;
  freshness: { pendingEvents: number; lastRunAt: string | null };
  overview: {
    contacts: Change;
    repeatContacts: Change;
    directAnswers: Change;
    /** tickets dispatched to a lead unit (派单工单) */
    dispatched: Change;
    /** tickets closed while a unit held them (办结) */
    closed: Change;
    rates: RateFigure[];
  };
  daily: { day: string; contacts: number; dispatched: number; closed: number }[];
  channels: ChannelFigure[];
  categories: { total: number; top: CategoryFigure[] };
  units: { weights: MetricSettings['rankingWeights']; size: number; levels: LevelFigure[] };
  overdue: {
    /** overdue warnings the SLA sweep raised this month, by clock (each also issues 催办 and 督办) */
    alerts: { sign: number; response: number; complete: number; total: number };
    tickets: number;
    /** 督办 issued by hand (one click on the wallboard) */
    manualSupervisions: number;
    closed: number;
    closedLate: number;
    onTimeRate: RateFigure;
    byUnit: (UnitCount & { sign: number; response: number; complete: number })[];
  };
  /** The centre's own timeliness: its rates, and each clock's decisions with their waits */
  centre: { rates: RateFigure[]; clocks: CentreClockFigure[] };
  returns: { requested: number; approved: number; rejected: number; rate: RateFigure; byUnit: (UnitCount & { approved: number })[] };
  redo: { reopened: number; closedRedone: number; rate: RateFigure; byUnit: UnitCount[] };
  appeals: {
    filed: number;
    approved: number;
    rejected: number;
    byReason: { code: string; name: string; count: number }[];
    byUnit: (UnitCount & { approved: number; rejected: number })[];
  };
  hotspots: ReportHotspots;
  typicalCases: TypicalCase[];
  /** 督办 escalated, accountability (追责) and key tickets (key-supervision-section.ts); absent from reports generated before it */
  keySupervision?: KeySupervisionFigures;
  /** Triage at the receiving level (triage-section.ts); absent from reports generated before it */
  triage?: TriageFigures;
};

export const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
export const change = (current: number, previous: number): Change => ({
  current,
  previous,
  change: current - previous,
  changeRate: previous > 0 ? round((current - previous) / previous) : null,
});
