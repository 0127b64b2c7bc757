/**
 * The rates of docs/domain.md §7, each a numerator and a denominator over the rollup counters, with the
 * choices the centre may configure (metric settings). Pure: no database. docs/metrics.md explains each.
 */
import { z } from 'zod';
import type { Locale } from '../../i18n/messages.ts';
import type { Counter, Counters } from './counters.ts';
import { ratingFormulas } from './rating-formulas.ts';

export { METRIC_KEYS, METRIC_NAMES, type MetricKey } from './names.ts';
import { METRIC_KEYS, METRIC_NAMES, type Formula, type MetricKey, type Term, type Texts } from './names.ts';
/** What a value is: a fraction 0–1 (shown as a percentage), or an average in minutes. */
export type MetricUnit = 'rate' | 'minutes';
export const METRIC_UNITS: Record<MetricKey, MetricUnit> = Object.fromEntries(
  METRIC_KEYS.map((k) => [k, k === 'avg_dispatch_minutes' ? 'minutes' : 'rate']),
) as Record<MetricKey, MetricUnit>;
/** The figures with clocks that may await the calendar: each shows a `pending` count beside its value. */
export const PENDING_METRIC_KEYS = [
  'timely_sign_rate',
  'response_rate',
  'reply_rate',
  'completion_rate',
  'on_time_completion_rate',
] as const satisfies readonly MetricKey[];
/** The centre's own figures (unit 0): the handling units' rows never have them. */
export const CENTRE_METRIC_KEYS = [
  'avg_dispatch_minutes',
  'timely_dispatch_rate',
  'timely_review_rate',
  'timely_callback_rate',
] as const satisfies readonly MetricKey[];

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
      .object({
        response_rate: z.number().min(0).max(100),
        solved_rate: z.number().min(0).max(100),
        satisfaction_rate: z.number().min(0).max(100),
        /** 好评率 (the caller's own ratings): none by default */
        good_review_rate: z.number().min(0).max(100).optional(),
      })
      .strict()
      .refine((w) => w.response_rate + w.solved_rate + w.satisfaction_rate + (w.good_review_rate ?? 0) > 0, { message: '权重之和须大于 0' }),
    /** Units on each of the red and black lists */
    rankingSize: z.number().int().min(1).max(50),
    /** 回访率: tickets closed by an approved termination (which get no callback) count as due a callback too */
    callbackCoverageIncludesTerminated: z.boolean(),
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
  callbackCoverageIncludesTerminated: false,
};

/** The formula of each metric under these settings, with its definition in words (shown beside the number). */
export function formulas(s: MetricSettings): Record<MetricKey, Formula> {
  const assignments = {
    'zh-CN': '按派单（含上级下派）日期统计，归属承办单位（主办和协办）',
    en: 'by dispatch (or hand-down) day, credited to each assigned unit (lead and assisting)',
  };
  const leads = {
    'zh-CN': '按派单（含上级下派）日期统计，归属主办单位；下派的子派单经上级审核通过答复即为办结',
    en: 'by dispatch (or hand-down) day, credited to the lead unit; a handed-down sub-assignment is completed when its parent approves its reply',
  };
  const responseDue = s.responseLeadOnly
    ? {
        'zh-CN': '按响应时限到期日统计，归属主办单位；时限待日历的计为待定，不计入',
        en: "by the response deadline's day, credited to the lead unit; clocks awaiting the calendar are pending, left out",
      }
    : {
        'zh-CN': '按响应时限到期日统计，归属承办单位（主办和协办）；时限待日历的计为待定，不计入',
        en: "by the response deadline's day, credited to each assigned unit; clocks awaiting the calendar are pending, left out",
      };
  const completeDue = {
    'zh-CN': '按办结时限到期日统计（延期、重办、日历重算后随之移动），归属承办单位（主办和协办）；时限待日历的计为待定，不计入',
    en: "by the completion deadline's day (moved by extensions, reopens and calendar recomputations), credited to each assigned unit; clocks awaiting the calendar are pending, left out",
  };
  const leadDue = {
    'zh-CN': '按办结时限到期日统计（延期、重办、日历重算后随之移动），归属主办单位；时限待日历的计为待定，不计入',
    en: "by the completion deadline's day (moved by extensions, reopens and calendar recomputations), credited to the lead unit; clocks awaiting the calendar are pending, left out",
  };
  const judged = {
    'zh-CN': '按判定日期统计（办结日，或超期的时限到期日），归属主办单位；时限待日历的计为待定，不计入',
    en: "by the day of judgement (the close, or the deadline's day when missed), credited to the lead unit; clocks awaiting the calendar are pending, left out",
  };
  const outcome = {
    'zh-CN': '按发生日期统计，归属当时的主办单位（中心派单的主办单位，不计入下派的下级单位）',
    en: 'by the day it happened, credited to the lead unit at the time (of the centre’s dispatch, never a unit it was handed down to)',
  };
  const intake = { 'zh-CN': '按来电日期统计，归属热线中心', en: 'by contact day, credited to the centre' };
  const centre = { 'zh-CN': '按处理日期统计，归属热线中心', en: 'by the day of the decision, credited to the centre' };
  const callbacks = {
    'zh-CN': '按应回访之日（答复审核通过日）统计，其后的首次回访也计入当日，归属当时的主办单位（中心派单的主办单位）',
    en: 'by the day the callback became due (the reply’s approval), its first call credited to that day too; credited to the lead unit of the centre’s dispatch',
  };
  const f = (numerator: Term, denominator: Term, zh: string, en: string, scope: Texts, pending?: Counter[]): Formula => ({
    numerator,
    denominator,
    ...(pending ? { pending } : {}),
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
      { counters: ['dispatched'], minus: ['signPending'] },
      '及时签收率 = 在签收时限内签收的派单 ÷ 派单数（未设时限的视为及时；时限待日历的计为待定，不计入）',
      'assignments signed within the sign-in limit ÷ assignments dispatched (no limit set counts as in time; limits awaiting the calendar are pending, left out)',
      assignments,
      ['signPending'],
    ),
    response_rate: s.responseLeadOnly
      ? f(
          { counters: ['leadRespondedOnTime'] },
          { counters: ['leadResponseDue'] },
          '响应率 = 在响应时限内（且在答复之前）联系诉求人的主办派单 ÷ 响应时限到期的主办派单',
          'lead assignments that contacted the caller by the response deadline (and before replying) ÷ lead assignments whose response deadline fell due',
          responseDue,
          ['leadResponsePending'],
        )
      : f(
          { counters: ['respondedOnTime'] },
          { counters: ['responseDue'] },
          '响应率 = 在响应时限内（且在答复之前）联系诉求人的派单 ÷ 响应时限到期的派单',
          'assignments that contacted the caller by the response deadline (and before replying) ÷ assignments whose response deadline fell due',
          responseDue,
          ['responsePending'],
        ),
    reply_rate: f(
      { counters: ['repliedDue'] },
      { counters: ['completeDue'] },
      '回复率 = 已答复的派单 ÷ 办结时限到期的派单',
      'assignments replied ÷ assignments whose completion deadline fell due',
      completeDue,
      ['completePending'],
    ),
    completion_rate: s.completionExcludesReturned
      ? f(
          { counters: ['completedDue'] },
          { counters: ['leadCompleteDue'], minus: ['leadCompleteReturned'] },
          '办结率 = 已办结的主办工单 ÷ 办结时限到期的主办工单（减去获准退单的）',
          'tickets closed ÷ lead assignments whose completion deadline fell due (less those returned)',
          leadDue,
          ['leadCompletePending'],
        )
      : f(
          { counters: ['completedDue'] },
          { counters: ['leadCompleteDue'] },
          '办结率 = 已办结的主办工单 ÷ 办结时限到期的主办工单',
          'tickets closed ÷ lead assignments whose completion deadline fell due',
          leadDue,
          ['leadCompletePending'],
        ),
    on_time_completion_rate: f(
      { counters: ['closedOnTime'] },
      { counters: ['completionJudged'] },
      '按时办结率 = 按时办结的工单 ÷ 已判定的工单（已办结的，加上未办结但已超期的）；主办单位最后一次答复（终止的按申请终止时间）不晚于办结时限（含延期、重办）为按时，超期后获准延期的仍为超期；下派的子派单由上级审核通过答复时判定，计入其承办单位',
      "tickets closed on time ÷ tickets judged (closed, plus open ones already overdue); on time when the lead's last reply (for a termination, its request) came by the completion deadline as extended or restarted; an extension approved after the deadline keeps the miss; a handed-down sub-assignment is judged when its parent approves its reply, for its own unit",
      judged,
      ['leadCompletePending'],
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
      { counters: ['callbackAttempts'] },
      '有效回访率 = 接通并获得评价的回访 ÷ 回访次数（每次拨打，含未接通）',
      'callbacks that reached the caller and got an answer ÷ callback attempts (every call, unreached ones included)',
      outcome,
    ),
    return_rate: f(
      { counters: ['leadReturned'] },
      { counters: ['leadDispatched'] },
      '回退率 = 获准退单 ÷ 主办派单数',
      'approved returns ÷ lead assignments dispatched',
      leads,
    ),
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
    reply_rate_dispatched: f(
      { counters: ['replied'] },
      { counters: ['dispatched'] },
      '回复率（按派单） = 已答复的派单 ÷ 派单数',
      'reply rate by dispatch day: assignments replied ÷ assignments dispatched',
      assignments,
    ),
    completion_rate_dispatched: s.completionExcludesReturned
      ? f(
          { counters: ['completed'] },
          { counters: ['leadDispatched'], minus: ['leadReturned'] },
          '办结率（按派单） = 已办结的主办工单 ÷ 主办派单数（减去获准退单的）',
          'completion rate by dispatch day: tickets closed ÷ lead assignments dispatched (less those returned)',
          leads,
        )
      : f(
          { counters: ['completed'] },
          { counters: ['leadDispatched'] },
          '办结率（按派单） = 已办结的主办工单 ÷ 主办派单数',
          'completion rate by dispatch day: tickets closed ÷ lead assignments dispatched',
          leads,
        ),
    avg_dispatch_minutes: f(
      { counters: ['dispatchWaitMinutes'] },
      { counters: ['dispatchDecisions'] },
      '平均派单时长 = 工单待派单的分钟数之和 ÷ 派单员派出的工单数（单位：分钟；自动派单不等待，不计入）',
      'average wait for dispatch = minutes tickets waited for a dispatcher ÷ tickets dispatched by dispatchers (in minutes; auto-dispatch never waits and is left out)',
      centre,
    ),
    timely_dispatch_rate: f(
      { counters: ['dispatchOnTime'] },
      { counters: ['dispatchDecisions'] },
      '派单及时率 = 在派单时限内派出的工单 ÷ 派单员派出的工单',
      'tickets dispatched within the dispatch limit ÷ tickets dispatched by dispatchers',
      centre,
    ),
    timely_review_rate: f(
      { counters: ['reviewsOnTime'] },
      { counters: ['reviewsDecided'] },
      '审核及时率 = 在审核时限内作出决定的审核（答复、退单、延期、终止） ÷ 作出决定的审核',
      'reviews (reply, return, extension, termination) decided within their limit ÷ reviews decided',
      centre,
    ),
    timely_callback_rate: f(
      { counters: ['callbacksOnTime'] },
      { counters: ['callbackRounds'] },
      '回访及时率 = 在应回访时间前首次回访的轮次 ÷ 首次回访的轮次（每次答复审核通过开始一轮）',
      'callback rounds whose first call came by the callback due time ÷ callback rounds with a first call (each approved reply starts a round)',
      centre,
    ),
    callback_coverage_rate: s.callbackCoverageIncludesTerminated
      ? f(
          { counters: ['callbacksMade'] },
          { counters: ['callbacksDue', 'callbacksDueTerminated'] },
          '回访率 = 已回访的轮次 ÷ 应回访的轮次（每次答复审核通过为一轮，按审核通过日计；获准终止办理的工单也计为应回访）',
          'callback rounds with a call ÷ rounds due (each approved reply is one, on its approval day; tickets closed by an approved termination count as due too)',
          callbacks,
        )
      : f(
          { counters: ['callbacksMade'] },
          { counters: ['callbacksDue'] },
          '回访率 = 已回访的轮次（至少拨打一次，无论是否接通） ÷ 应回访的轮次（每次答复审核通过为一轮，按审核通过日计）',
          'callback rounds with at least one call, reached or not ÷ rounds due (each approved reply is one, on its approval day)',
          callbacks,
        ),
    ...ratingFormulas(f),
  };
}

/**
 * One figure: `value` = numerator ÷ denominator (a fraction 0–1, or minutes when `unit` is 'minutes'), null when
 * nothing is due; `pending`: clocks awaiting the calendar, in neither numerator nor denominator (0 where the
 * figure has no clocks).
 */
export type MetricValue = { name: string; value: number | null; numerator: number; denominator: number; pending: number; unit: MetricUnit; definition: string };

export function termValue(t: Term, c: Counters): number {
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
    const pending = fs[k].pending ? termValue({ counters: fs[k].pending! }, c) : 0;
    out[k] = {
      name: METRIC_NAMES[k][locale],
      value: denominator > 0 ? round(numerator / denominator) : null,
      numerator,
      denominator,
      pending,
      unit: METRIC_UNITS[k],
      definition: fs[k].text[locale],
    };
  }
  return out;
}

export const round = (x: number, digits = 6) => Math.round(x * 10 ** digits) / 10 ** digits;
