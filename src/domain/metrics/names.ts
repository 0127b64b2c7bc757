/** The metrics' keys and their names in each locale (the formulas are in definitions.ts). */
import type { Locale } from '../../i18n/messages.ts';
import type { Counter } from './counters.ts';

export const METRIC_KEYS = [
  'direct_answer_rate', // 直接答复率
  'timely_sign_rate', // 及时签收率
  'response_rate', // 响应率 (by the response deadline's day)
  'reply_rate', // 回复率 (by the completion deadline's day)
  'completion_rate', // 办结率 (by the completion deadline's day)
  'on_time_completion_rate', // 按时办结率 (closed on time ÷ judged: closed, or open and overdue)
  'solved_rate', // 解决率
  'satisfaction_rate', // 满意率
  'valid_callback_rate', // 有效回访率
  'return_rate', // 回退率
  'redo_rate', // 重办率
  'repeat_contact_rate', // 重复来电率
  'reply_rate_dispatched', // 回复率（按派单）: the second, dispatch-day basis
  'completion_rate_dispatched', // 办结率（按派单）
  'avg_dispatch_minutes', // 平均派单时长 (the centre's own clock; minutes, not a fraction)
  'timely_dispatch_rate', // 派单及时率
  'timely_review_rate', // 审核及时率
  'timely_callback_rate', // 回访及时率
  'callback_coverage_rate', // 回访率: rounds called back ÷ rounds due (and, if configured, terminated tickets)
  'good_review_rate', // 好评率: the caller's own ratings (好差评), bad ones dismissed on verification left out
  'bad_review_rate', // 差评率
  'bad_review_rectification_rate', // 差评整改率: confirmed bad ratings rectified and answered
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export type Texts = Record<Locale, string>;
export type Term = { counters: Counter[]; minus?: Counter[] };
/** `pending`: clocks awaiting the calendar, left out of numerator and denominator and shown beside the value. */
export type Formula = { numerator: Term; denominator: Term; pending?: Counter[]; text: Texts };
/** Builds a formula: numerator, denominator, its definition in words and the scope it is counted in. */
export type FormulaMaker = (numerator: Term, denominator: Term, zh: string, en: string, scope: Texts, pending?: Counter[]) => Formula;

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
  reply_rate_dispatched: { 'zh-CN': '回复率（按派单）', en: 'Reply rate (by dispatch day)' },
  completion_rate_dispatched: { 'zh-CN': '办结率（按派单）', en: 'Completion rate (by dispatch day)' },
  avg_dispatch_minutes: { 'zh-CN': '平均派单时长', en: 'Average wait for dispatch' },
  timely_dispatch_rate: { 'zh-CN': '派单及时率', en: 'Timely dispatch rate' },
  timely_review_rate: { 'zh-CN': '审核及时率', en: 'Timely review rate' },
  timely_callback_rate: { 'zh-CN': '回访及时率', en: 'Timely callback rate' },
  callback_coverage_rate: { 'zh-CN': '回访率', en: 'Callback coverage' },
  good_review_rate: { 'zh-CN': '好评率', en: 'Good rating rate' },
  bad_review_rate: { 'zh-CN': '差评率', en: 'Bad rating rate' },
  bad_review_rectification_rate: { 'zh-CN': '差评整改率', en: 'Bad rating rectification rate' },
};
