/**
 * The rates of domain.md §5, each a numerator and a denominator over the rollup counters, with the
 * choices the centre may configure (metric settings). Pure: no database. docs/metrics.md explains each.
 */
import { z } from 'zod';
import type { Locale } from '../../i18n/messages.ts';
import type { Counter, Counters } from './counters.ts';

export const METRIC_KEYS = [
  'direct_answer_rate', // 直接答复率
  'timely_sign_rate', // 及时签收率
  'response_rate', // 响应率
  'reply_rate', // 回复率
  'completion_rate', // 办结率
  'on_time_completion_rate', // 按时办结率
  'solved_rate', // 解决率
  'satisfaction_rate', // 满意率
  'valid_callback_rate', // 有效回访率
  'return_rate', // 回退率
  'redo_rate', // 重办率
  'repeat_contact_rate', // 重复来电率
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export const metricSettingsSchema = z
  .object({
    /** 满意率: 基本满意 counts as satisfied */
    satisfiedIncludesBasic: z.boolean(),
    /** 解决率: 部分解决 counts as solved */
    solvedIncludesPartly: z.boolean(),
    /** 响应率: only lead assignments (the lead unit contacts the caller); otherwise every assignment */
    responseLeadOnly: z.boolean(),
    /** 办结率: tickets the unit returned (退单 approved) leave its denominator (they count in 回退率) */
    completionExcludesReturned: z.boolean(),
    /** Composite for the red and black lists: weights of 响应率, 解决率, 满意率 (Beijing: 30/35/35) */
    rankingWeights: z
      .object({ response_rate: z.number().min(0).max(100), solved_rate: z.number().min(0).max(100), satisfaction_rate: z.number().min(0).max(100) })
      .strict()
      .refine((w) => w.response_rate + w.solved_rate + w.satisfaction_rate > 0, { message: '权重之和须大于 0' }),
    /** Units on each of the red and black lists */
    rankingSize: z.number().int().min(1).max(50),
  })
  .strict();
export type MetricSettings = z.infer<typeof metricSettingsSchema>;

export const DEFAULT_METRIC_SETTINGS: MetricSettings = {
  satisfiedIncludesBasic: true,
  solvedIncludesPartly: false,
  responseLeadOnly: true,
  completionExcludesReturned: true,
  rankingWeights: { response_rate: 30, solved_rate: 35, satisfaction_rate: 35 },
  rankingSize: 5,
};

type Term = { counters: Counter[]; minus?: Counter[] };
type Texts = Record<Locale, string>;
type Formula = { numerator: Term; denominator: Term; text: Texts };

export const METRIC_NAMES: Record<MetricKey, Texts> = {
  direct_answer_rate: { 'zh-CN': '直接答复率', en: 'Direct answer rate' },
  timely_sign_rate: { 'zh-CN': '及时签收率', en: 'Timely sign-in rate' },
  response_rate: { 'zh-CN': '响应率', en: 'Response rate' },
  reply_rate: { 'zh-CN': '回复率', en: 'Reply rate' },
  completion_rate: { 'zh-CN': '办结率', en: 'Completion rate' },
  on_time_completion_rate: { 'zh-CN': '按时办结率', en: 'On-time completion rate' },
  solved_rate: { 'zh-CN': '解决率', en: 'Solved rate' },
  satisfaction_rate: { 'zh-CN': '满意率', en: 'Satisfaction rate' },
  valid_callback_rate: { 'zh-CN': '有效回访率', en: 'Valid callback rate' },
  return_rate: { 'zh-CN': '回退率', en: 'Return rate' },
  redo_rate: { 'zh-CN': '重办率', en: 'Redo rate' },
  repeat_contact_rate: { 'zh-CN': '重复来电率', en: 'Repeat contact rate' },
};

/** The formula of each metric under these settings, with its definition in words (shown beside the number). */
export function formulas(s: MetricSettings): Record<MetricKey, Formula> {
  const assignments = { 'zh-CN': '按派单日期统计，归属承办单位（主办和协办）', en: 'by dispatch day, credited to each assigned unit (lead and assisting)' };
  const leads = { 'zh-CN': '按派单日期统计，归属主办单位', en: 'by dispatch day, credited to the lead unit' };
  const outcome = { 'zh-CN': '按发生日期统计，归属当时的主办单位', en: 'by the day it happened, credited to the lead unit at the time' };
  const intake = { 'zh-CN': '按来电日期统计，归属热线受理', en: "by contact day, credited to the centre's intake" };
  const f = (numerator: Term, denominator: Term, zh: string, en: string, scope: Texts): Formula => ({
    numerator,
    denominator,
    text: { 'zh-CN': `${zh}；${scope['zh-CN']}`, en: `${en}; ${scope.en}` },
  });
  return {
    direct_answer_rate: f(
      { counters: ['directAnswers'] },
      { counters: ['contacts'], minus: ['notAccepted'] },
      '直接答复率 = 直接答复办结的来电 ÷ 受理的来电（全部来电减去不予受理）',
      'direct answers ÷ contacts accepted (all contacts less those not accepted)',
      intake,
    ),
    timely_sign_rate: f(
      { counters: ['signedOnTime'] },
      { counters: ['dispatched'] },
      '及时签收率 = 在签收时限内签收的派单 ÷ 派单数（未设时限的视为及时）',
      'assignments signed within the sign-in limit ÷ assignments dispatched (no limit set counts as in time)',
      assignments,
    ),
    response_rate: s.responseLeadOnly
      ? f(
          { counters: ['leadRespondedOnTime'] },
          { counters: ['leadDispatched'] },
          '响应率 = 签收后在响应时限内联系诉求人的主办派单 ÷ 主办派单数',
          'lead assignments signed and caller contacted within the response limit ÷ lead assignments dispatched',
          leads,
        )
      : f(
          { counters: ['respondedOnTime'] },
          { counters: ['dispatched'] },
          '响应率 = 签收后在响应时限内联系诉求人的派单 ÷ 派单数',
          'assignments signed and caller contacted within the response limit ÷ assignments dispatched',
          assignments,
        ),
    reply_rate: f({ counters: ['replied'] }, { counters: ['dispatched'] }, '回复率 = 已答复的派单 ÷ 派单数', 'assignments replied ÷ assignments dispatched', assignments),
    completion_rate: s.completionExcludesReturned
      ? f(
          { counters: ['completed'] },
          { counters: ['leadDispatched'], minus: ['leadReturned'] },
          '办结率 = 已办结的主办工单 ÷ 应办结的主办工单（主办派单减去获准退单的）',
          'tickets closed ÷ tickets due (lead assignments less those returned)',
          leads,
        )
      : f({ counters: ['completed'] }, { counters: ['leadDispatched'] }, '办结率 = 已办结的主办工单 ÷ 主办派单数', 'tickets closed ÷ lead assignments dispatched', leads),
    on_time_completion_rate: f(
      { counters: ['closedOnTime'] },
      { counters: ['closed'] },
      '按时办结率 = 最后一次答复（未答复的按办结时间）不晚于办结时限（含延期）的工单 ÷ 办结工单',
      'tickets whose last reply (or close, without one) came by the (extended) completion deadline ÷ tickets closed',
      outcome,
    ),
    solved_rate: s.solvedIncludesPartly
      ? f(
          { counters: ['solved', 'partlySolved'] },
          { counters: ['solvedAnswers'] },
          '解决率 = 回访“已解决”+“部分解决” ÷ 有解决情况答复的回访（诉求人评价）',
          'callbacks "solved" + "partly solved" ÷ callbacks with a solved answer (the caller’s judgement)',
          outcome,
        )
      : f(
          { counters: ['solved'] },
          { counters: ['solvedAnswers'] },
          '解决率 = 回访“已解决” ÷ 有解决情况答复的回访（诉求人评价；部分解决不计入）',
          'callbacks "solved" ÷ callbacks with a solved answer (the caller’s judgement; partly solved does not count)',
          outcome,
        ),
    satisfaction_rate: s.satisfiedIncludesBasic
      ? f(
          { counters: ['satisfied', 'basicallySatisfied'] },
          { counters: ['rated'] },
          '满意率 = 回访“满意”+“基本满意” ÷ 有满意度评价的回访',
          'callbacks "satisfied" + "basically satisfied" ÷ callbacks with a rating',
          outcome,
        )
      : f(
          { counters: ['satisfied'] },
          { counters: ['rated'] },
          '满意率 = 回访“满意” ÷ 有满意度评价的回访（基本满意不计入）',
          'callbacks "satisfied" ÷ callbacks with a rating ("basically satisfied" does not count)',
          outcome,
        ),
    valid_callback_rate: f(
      { counters: ['callbacksValid'] },
      { counters: ['callbacksConcluded'] },
      '有效回访率 = 接通并获得评价的回访 ÷ 已完成的回访（接通，或多次未接通后结束）',
      'callbacks that reached the caller and got an answer ÷ callbacks concluded (reached, or given up as unreached)',
      outcome,
    ),
    return_rate: f({ counters: ['leadReturned'] }, { counters: ['leadDispatched'] }, '回退率 = 获准退单 ÷ 主办派单数', 'approved returns ÷ lead assignments dispatched', leads),
    redo_rate: f(
      { counters: ['closedRedone'] },
      { counters: ['closed'] },
      '重办率 = 办结前经过重办的工单 ÷ 办结工单',
      'tickets reopened (重办) at least once before closing ÷ tickets closed',
      outcome,
    ),
    repeat_contact_rate: f(
      { counters: ['repeatContacts'] },
      { counters: ['contacts'] },
      '重复来电率 = 关联到已有工单的来电（含并单） ÷ 全部来电',
      'contacts linked to an existing ticket (incl. merged) ÷ all contacts',
      intake,
    ),
  };
}

export type MetricValue = { name: string; value: number | null; numerator: number; denominator: number; definition: string };

function termValue(t: Term, c: Counters): number {
  let v = 0;
  for (const k of t.counters) v += c[k];
  if (t.minus) for (const k of t.minus) v -= c[k];
  return v;
}

/**
 * Every metric from summed counters: value = numerator ÷ denominator, null when nothing is due. `fs`:
 * `formulas(s)` when the caller computes many rows with the same settings (built once, not per row).
 */
export function computeMetrics(c: Counters, s: MetricSettings, locale: Locale, fs: Record<MetricKey, Formula> = formulas(s)): Record<MetricKey, MetricValue> {
  const out = {} as Record<MetricKey, MetricValue>;
  for (const k of METRIC_KEYS) {
    const numerator = termValue(fs[k].numerator, c);
    const denominator = termValue(fs[k].denominator, c);
    out[k] = { name: METRIC_NAMES[k][locale], value: denominator > 0 ? round(numerator / denominator) : null, numerator, denominator, definition: fs[k].text[locale] };
  }
  return out;
}

export const round = (x: number, digits = 6) => Math.round(x * 10 ** digits) / 10 ** digits;
