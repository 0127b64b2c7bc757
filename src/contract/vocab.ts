/**
 * The closed vocabularies of jiesu: one list each, shared by the database enums (db/schema/enums.ts), the zod
 * inputs, the transition table, the label tables (labels.ts) and the web app. Adding a value here is a compile
 * error wherever a table keyed by the vocabulary lacks it.
 *
 * The contract folder has no runtime imports: the server and the browser bundle both read it as it is.
 */

// ---------------------------------------------------------------- people and places

export const UNIT_KINDS = ['centre', 'district', 'department', 'street', 'community'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

export const ROLES = [
  'operator', // 话务员
  'window_clerk', // "办不成事"窗口
  'dispatcher', // 派单员 / 审核
  'unit_handler', // 承办人
  'unit_leader', // 单位负责人
  'callback_agent', // 回访员
  'supervisor', // 督办
  'admin', // 系统管理员 (system administrator: units, users, categories, calendar, settings)
  'security_admin', // 安全管理员 (roles, passwords, second factors, keys, sessions)
  'audit_admin', // 审计管理员 (reads and exports the audit log, nothing else)
  'intake_client', // a system that submits tickets with a bearer token (online portal, Open311 gateway)
] as const;
export type Role = (typeof ROLES)[number];

/** The three separated administrators (三权分立): no account holds two of them (an account has one role). */
export const ADMIN_ROLES: readonly Role[] = ['admin', 'security_admin', 'audit_admin'];
/** Roles that belong to the hotline centre and may read every ticket (not the security and audit administrators). */
export const CENTRE_ROLES: readonly Role[] = ['operator', 'window_clerk', 'dispatcher', 'callback_agent', 'supervisor', 'admin'];
/** Roles that belong to a handling unit and see only their unit's subtree. */
export const UNIT_ROLES: readonly Role[] = ['unit_handler', 'unit_leader'];

// ---------------------------------------------------------------- a ticket as received

export const CHANNELS = ['phone', 'window', 'online', 'open311', 'bad_review'] as const;
export type Channel = (typeof CHANNELS)[number];

export const TICKET_TYPES = ['consult', 'help', 'complaint', 'report', 'suggestion'] as const; // 咨询 求助 投诉 举报 建议
export type TicketType = (typeof TICKET_TYPES)[number];

export const URGENCIES = ['normal', 'urgent', 'emergency'] as const; // 一般 紧急 特急
export type Urgency = (typeof URGENCIES)[number];

/** Why the "办不成事" window matter could not be done. */
export const WINDOW_REASONS = ['policy', 'it_system', 'documents', 'attitude', 'process', 'other'] as const;
export type WindowReason = (typeof WINDOW_REASONS)[number];

/** What the operator does with a call: the ticket goes to units, is settled on the call, or joins an open ticket. */
export const DISPOSITIONS = ['dispatch', 'direct_answer', 'emergency_transfer', 'not_accepted', 'repeat'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export const EMERGENCY_LINES = ['110', '119', '120', '122'] as const;
export type EmergencyLine = (typeof EMERGENCY_LINES)[number];

export const CLOSE_REASONS = [
  'direct_answer', // 直接答复
  'emergency_transfer', // 转 110/119/120/122
  'not_accepted', // 不予受理
  'merged', // 并单 into another ticket
  'completed', // 办结 after callback
  'terminated', // 终止办理
  'unreached', // callback could not reach the caller after N attempts
  'supervisor_closed', // closed by a supervisor after a disputed callback
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

// ---------------------------------------------------------------- the lifecycle (docs/domain.md §4)

export const TICKET_STATUSES = [
  'awaiting_dispatch', // 待派单
  'awaiting_sign', // 待签收
  'in_progress', // 办理中
  'return_requested', // 退单待审核
  'termination_requested', // 终止待审核
  'awaiting_review', // 答复待审核
  'awaiting_callback', // 待回访
  'callback_disputed', // 回访不满意/未解决, awaiting a supervisor's decision
  'closed', // 已办结 (see close_reason)
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const ASSIGNMENT_STATUSES = [
  'awaiting_sign', // 待签收
  'in_progress', // 已签收, 办理中
  'replied', // 已答复
  'completed', // 已办结 (a sub-assignment whose reply its parent approved)
  'returned', // 退单已批准: this unit no longer holds the ticket
  'closed', // the ticket closed while this assignment was live
] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

/** Actions on the ticket as a whole, by centre staff; each is an endpoint and an event type. */
export const TICKET_ACTIONS = [
  'dispatch',
  'decline', // 不予受理 after intake
  'merge', // 并单 into another open ticket
  'approve_return',
  'reject_return',
  'approve_extension',
  'reject_extension',
  'approve_termination',
  'reject_termination',
  'approve_reply',
  'reject_reply',
  'callback_close', // callback: solved and satisfied (or basically)
  'callback_dispute', // callback: unsolved or dissatisfied → supervisor decides
  'callback_retry', // callback: caller not reached, attempts remain
  'callback_unreached', // callback: caller not reached, no attempts left
  'reopen', // 重办
  'close', // supervisor closes a disputed ticket with an explanation
] as const;
export type TicketAction = (typeof TICKET_ACTIONS)[number];

/** Actions a unit performs on its own assignment; each is an endpoint and an event type. */
export const ASSIGNMENT_ACTIONS = [
  'sign',
  'contact',
  'note',
  'reply',
  'request_return',
  'request_extension',
  'request_termination',
  'hand_down', // 下派: to units beneath, as sub-assignments that answer to this one
  'triage', // 研判分类: the receiving level marks the ticket ordinary or complex (普通 / 复杂)
] as const;
export type AssignmentAction = (typeof ASSIGNMENT_ACTIONS)[number];

/** What the unit holding an assignment decides on its direct sub-assignments (each is an endpoint and an event type). */
export const SUB_DECISIONS = [
  'approve_sub_reply', // 审核通过下级答复
  'reject_sub_reply', // 退回下级重办
  'approve_sub_return', // 同意下级退回
  'reject_sub_return', // 不同意下级退回 (the sub-unit is designated)
  'approve_sub_extension', // 同意下级延期 (within the parent's own deadline)
  'reject_sub_extension', // 不同意下级延期
  'recall', // 收回: take a sub-assignment back
] as const;
export type SubDecision = (typeof SUB_DECISIONS)[number];

/** Triage at the receiving level: 普通 (reply within the hour) or 复杂 (accept within a working day). */
export const TRIAGE_LEVELS = ['ordinary', 'complex'] as const;
export type TriageLevel = (typeof TRIAGE_LEVELS)[number];

export const ASSIGNMENT_ROLES = ['lead', 'assist'] as const; // 主办 协办
export type AssignmentRole = (typeof ASSIGNMENT_ROLES)[number];

export const REQUEST_KINDS = ['return', 'extension', 'termination'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
/** lapsed: the assignment ended or the reply was approved before anyone decided the request */
export const REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'lapsed'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const CONTACT_METHODS = ['phone', 'visit', 'sms', 'other'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export const SOLVED_RESULTS = ['solved', 'partly', 'unsolved'] as const; // 已解决 部分解决 未解决
export type SolvedResult = (typeof SOLVED_RESULTS)[number];
export const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const; // 满意 基本满意 不满意
export type Satisfaction = (typeof SATISFACTIONS)[number];

export const ATTACHMENT_KINDS = ['evidence', 'document'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export const APPEAL_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type AppealStatus = (typeof APPEAL_STATUSES)[number];
/** Why a unit asks to be exempted (申诉/免考 reasons). */
export const APPEAL_REASON_CODES = [
  'unreasonable_demand', // 诉求不合理
  'malicious', // 恶意诉求
  'outside_duties', // 不属于本单位职责
  'duplicate', // 重复诉求
  'other', // 其他
] as const;
export type AppealReasonCode = (typeof APPEAL_REASON_CODES)[number];

/** The caller's own rating of a handling round (政务服务"好差评"): the national five levels, best first. */
export const RATING_LEVELS = ['very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied'] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];
/** 差评: the two lowest levels; each opens a verification at the centre. */
export const BAD_RATING_LEVELS: readonly RatingLevel[] = ['dissatisfied', 'very_dissatisfied'];
/** Where a rating came from: the SMS link that announced the reply, or the look-up page. */
export const RATING_SOURCES = ['sms', 'lookup'] as const;
export type RatingSource = (typeof RATING_SOURCES)[number];
/** 差评核实: verifying → (appealed →) confirmed → rectified, or dismissed. */
export const VERIFICATION_STATUSES = ['verifying', 'appealed', 'confirmed', 'dismissed', 'rectified'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];
/** The verification's two clocks: the centre's verification, the unit's rectification. */
export const VERIFICATION_CLOCKS = ['verify', 'rectify'] as const;
export type VerificationClock = (typeof VERIFICATION_CLOCKS)[number];

// ---------------------------------------------------------------- clocks and time limits

/** A unit's three clocks on an assignment: 签收, 响应 (first contact), 办结. */
export const CLOCKS = ['sign', 'response', 'complete'] as const;
export type Clock = (typeof CLOCKS)[number];

/** The levels a clock's warning marks fire at. */
export const LEVELS = ['yellow', 'red', 'overdue'] as const;
export type Level = (typeof LEVELS)[number];
/** A ticket's or an assignment's level: none, or the highest fired. */
export const WARNING_LEVELS = ['none', ...LEVELS] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];

/**
 * Where one clock stands, as the presenter tells the screens:
 * - `running`: counting towards its deadline (a running clock past its deadline is `missed` — still open to act);
 * - `paused`: the lead's completion clock while its termination request waits for review;
 * - `awaiting_calendar`: its deadline lies past the calendar table — not computed, never guessed — until the year is imported;
 * - `met`: stopped by the unit's own act (sign, first contact, reply, termination request) before the deadline;
 * - `missed`: the deadline passed before the clock stopped, or a reply came with no contact recorded before it
 *   (the response clock), or an extension came after the deadline had passed (the completion clock keeps the miss);
 * - `stopped`: stopped in time because the ticket left the units' hands (reply approved, return, close…): no act, no miss;
 * - `none`: no deadline (no policy applied).
 */
export const CLOCK_STATUSES = ['running', 'paused', 'awaiting_calendar', 'met', 'missed', 'stopped', 'none'] as const;
export type ClockStatus = (typeof CLOCK_STATUSES)[number];

/** The centre's own clocks: the waits the hotline centre owes a decision on. */
export const CENTRE_CLOCKS = ['dispatch', 'reply_review', 'return_review', 'extension_review', 'termination_review', 'callback'] as const;
export type CentreClock = (typeof CENTRE_CLOCKS)[number];
/** The centre clock each ticket action decides (the action ends that wait); its event records the decision. */
export const CENTRE_CLOCK_OF = {
  dispatch: 'dispatch',
  approve_reply: 'reply_review',
  reject_reply: 'reply_review',
  approve_return: 'return_review',
  reject_return: 'return_review',
  approve_extension: 'extension_review',
  reject_extension: 'extension_review',
  approve_termination: 'termination_review',
  reject_termination: 'termination_review',
  callback_close: 'callback',
  callback_dispute: 'callback',
  callback_retry: 'callback',
  callback_unreached: 'callback',
} as const satisfies Partial<Record<TicketAction, CentreClock>>;
export type CentreDecidingAction = keyof typeof CENTRE_CLOCK_OF;

/** What an overdue clock opens: 催办 (to the unit) and 督办. */
export const SUPERVISION_KINDS = ['reminder', 'supervision'] as const;
export type SupervisionKind = (typeof SUPERVISION_KINDS)[number];

/** The kinds of key tickets (重点督办) a supervisor tracks; which of them, and their thresholds, are a setting. */
export const KEY_TICKET_KINDS = ['overdue', 'repeat', 'redo_dissatisfied', 'returned'] as const;
export type KeyTicketKind = (typeof KEY_TICKET_KINDS)[number];

export const CALENDAR_DAY_KINDS = ['holiday', 'workday'] as const; // holiday = 法定假日, workday = 调休上班
export type DayKind = (typeof CALENDAR_DAY_KINDS)[number];

export const TIME_UNITS = ['natural_minutes', 'natural_hours', 'natural_days', 'working_hours', 'working_days'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

/** Why deadlines were recomputed: the calendar or the working hours changed. */
export const RECOMPUTE_REASONS = ['calendar_import', 'calendar_day_set', 'calendar_day_deleted', 'working_hours'] as const;
export type RecomputeReason = (typeof RECOMPUTE_REASONS)[number];

// ---------------------------------------------------------------- governance topics (专题治理)

export const TOPIC_STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const;
export type TopicStatus = (typeof TOPIC_STATUSES)[number];
export const TOPIC_ACTIONS = ['start', 'resolve', 'reopen', 'close'] as const;
export type TopicAction = (typeof TOPIC_ACTIONS)[number];
