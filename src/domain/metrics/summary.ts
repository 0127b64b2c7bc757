/**
 * The sentence a county's report opens with ("上半年受理热线工单1320件，办结率100%，回复率100%，满意率93%"),
 * generated from the rollups for any one period — the whole city, or one unit with everything below it —
 * with the year-earlier comparison of 满意率 and, for a ranked unit, its place among the units of its level.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { units } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { systemActor } from '../auth/actor.ts';
import { readsAll } from '../tickets/policy.ts';
import type { Locale } from '../../i18n/messages.ts';
import { comparedReport } from './compare.ts';
import type { Counters } from './counters.ts';
import type { MetricSettings } from './definitions.ts';
import type { Bucket, Period } from './periods.ts';
import { LEVEL_NAMES, RANKED_LEVELS, type RankedLevel } from './queries.ts';
import { RANKING_PERIODS, rankings, type RankingPeriod } from './rankings.ts';

const CN_QUARTERS = ['一', '二', '三', '四'];
const day = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

/** The period as the reports write it: 2026年上半年, 2026年第一季度, 2026年3月… */
export function periodLabel(period: Period, b: Bucket, locale: Locale): string {
  const y = b.start.slice(0, 4);
  if (locale === 'en') return period === 'custom' ? `${b.start} to ${b.end}` : b.label;
  switch (period) {
    case 'year':
      return `${y}年`;
    case 'half':
      return `${y}年${b.start.slice(5, 7) === '01' ? '上' : '下'}半年`;
    case 'quarter':
      return `${y}年第${CN_QUARTERS[(Number(b.start.slice(5, 7)) - 1) / 3]}季度`;
    case 'month':
      return `${y}年${Number(b.start.slice(5, 7))}月`;
    case 'week':
      return `${b.label.slice(0, 4)}年第${Number(b.label.slice(6))}周`;
    case 'day':
      return `${y}年${day(b.start)}`;
    default:
      return b.start.slice(0, 4) === b.end.slice(0, 4) ? `${y}年${day(b.start)}至${day(b.end)}` : `${y}年${day(b.start)}至${b.end.slice(0, 4)}年${day(b.end)}`;
  }
}

const pct = (v: number | null) => (v === null ? null : `${Math.round(v * 1000) / 10}%`);

export type PeriodSummary = {
  period: Period;
  bucket: string;
  start: string;
  end: string;
  unit: { id: number; name: string; kind: string } | null;
  /** tickets received: new tickets logged (the city), or tickets that reached the unit's subtree from outside it */
  received: number;
  completion_rate: number | null;
  reply_rate: number | null;
  satisfaction_rate: number | null;
  /** 满意率 a year earlier (null when nothing was rated then) */
  satisfactionYearAgo: number | null;
  rank: { rank: number; of: number; level: RankedLevel } | null;
  sentence: string;
};

/** Tickets that reached a subtree: the centre's dispatches into it, plus hand-downs to its top unit from above. */
const receivedBy = (subtree: Counters, own: Counters | undefined) => subtree.leadDispatched - subtree.leadHandedDown + (own?.leadHandedDown ?? 0);

export async function periodSummary(
  db: Db,
  actor: Actor,
  q: { period: Period; from: string; to?: string; unitId?: number },
  settings: MetricSettings,
  locale: Locale,
): Promise<PeriodSummary> {
  const unitId = q.unitId ?? (readsAll(actor) ? undefined : actor.unitId);
  const grouped = unitId !== undefined;
  const r = await comparedReport(
    db,
    actor,
    { period: q.period, from: q.from, to: q.to, unitId, groupBy: grouped ? 'unit' : undefined, includeAppealed: false },
    settings,
    locale,
    true,
  );
  const row = grouped ? r.rows.find((x) => Number(x.group?.id) === unitId) : r.rows[0];
  const [unit] = grouped ? await db.select({ id: units.id, name: units.name, kind: units.kind }).from(units).where(eq(units.id, unitId)) : [];
  const bucket: Bucket = { label: row?.bucket ?? r.range.start, start: r.range.start, end: r.range.end };
  const c = row?.counters;
  const received = !c ? 0 : grouped ? receivedBy(c, row?.own?.counters) : c.contacts - c.repeatContacts;
  const m = row?.metrics;
  const figures = {
    completion_rate: m?.completion_rate.value ?? null,
    reply_rate: m?.reply_rate.value ?? null,
    satisfaction_rate: m?.satisfaction_rate.value ?? null,
  };
  const satisfactionYearAgo = row?.yearAgo?.metrics.satisfaction_rate.value ?? null;
  let rank: PeriodSummary['rank'] = null;
  const level = unit?.kind as RankedLevel | undefined;
  if (unit && level && RANKED_LEVELS.includes(level) && RANKING_PERIODS.includes(q.period as RankingPeriod) && !q.to) {
    // The place among every unit of the level (not just the reader's subtree): a unit may know its own rank.
    const list = await rankings(
      db,
      systemActor('supervisor'),
      { level, period: q.period as RankingPeriod, from: q.from, includeAppealed: false },
      settings,
      locale,
    );
    const mine = list.ranked.find((x) => x.unit.id === unit.id);
    if (mine) rank = { rank: mine.rank, of: list.ranked.length, level };
  }
  const label = periodLabel(q.period, bucket, locale);
  return {
    period: q.period,
    bucket: bucket.label,
    start: bucket.start,
    end: bucket.end,
    unit: unit ?? null,
    received,
    ...figures,
    satisfactionYearAgo,
    rank,
    sentence: sentenceOf(locale, { label, unitName: unit?.name ?? null, received, ...figures, satisfactionYearAgo, rank }),
  };
}

type SentenceIn = Pick<PeriodSummary, 'received' | 'completion_rate' | 'reply_rate' | 'satisfaction_rate' | 'satisfactionYearAgo' | 'rank'> & {
  label: string;
  unitName: string | null;
};

function sentenceOf(locale: Locale, s: SentenceIn): string {
  const none = locale === 'en' ? 'n/a' : '无应办';
  const rate = (v: number | null) => pct(v) ?? none;
  const delta = s.satisfaction_rate !== null && s.satisfactionYearAgo !== null ? Math.round((s.satisfaction_rate - s.satisfactionYearAgo) * 1000) / 10 : null;
  if (locale === 'en') {
    const parts = [
      `${s.label}: ${s.unitName ? `${s.unitName} received` : 'the hotline accepted'} ${s.received} tickets`,
      `completion rate ${rate(s.completion_rate)}`,
      `reply rate ${rate(s.reply_rate)}`,
      `satisfaction rate ${rate(s.satisfaction_rate)}`,
    ];
    if (delta !== null) parts.push(`${Math.abs(delta)} points ${delta >= 0 ? 'above' : 'below'} a year earlier`);
    if (s.rank) parts.push(`ranked ${s.rank.rank} of ${s.rank.of} ${LEVEL_NAMES[s.rank.level].en.toLowerCase()}`);
    return `${parts.join(', ')}.`;
  }
  const parts = [
    `${s.label}${s.unitName ? `${s.unitName}承办` : '受理'}热线工单${s.received}件`,
    `办结率${rate(s.completion_rate)}`,
    `回复率${rate(s.reply_rate)}`,
    `满意率${rate(s.satisfaction_rate)}`,
  ];
  if (delta !== null) parts.push(delta === 0 ? '与上年同期持平' : `较上年同期${delta > 0 ? '提高' : '下降'}${Math.abs(delta)}个百分点`);
  if (s.rank) parts.push(`在${s.rank.of}个${LEVEL_NAMES[s.rank.level]['zh-CN']}中排名第${s.rank.rank}`);
  return `${parts.join('，')}。`;
}
