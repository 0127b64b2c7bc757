/** Closed vocabularies shared by the database enums, the zod inputs and the UI. One source of truth each. */

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
  'admin', // 系统管理员
  'intake_client', // a system that submits tickets with a bearer token (online portal, Open311 gateway)
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that belong to the hotline centre and may read every ticket. */
export const CENTRE_ROLES: readonly Role[] = ['operator', 'window_clerk', 'dispatcher', 'callback_agent', 'supervisor', 'admin'];
/** Roles that belong to a handling unit and see only their unit's subtree. */
export const UNIT_ROLES: readonly Role[] = ['unit_handler', 'unit_leader'];

export const CHANNELS = ['phone', 'window', 'online', 'open311', 'bad_review'] as const;
export type Channel = (typeof CHANNELS)[number];

export const TICKET_TYPES = ['consult', 'help', 'complaint', 'report', 'suggestion'] as const; // 咨询 求助 投诉 举报 建议
export type TicketType = (typeof TICKET_TYPES)[number];

export const URGENCIES = ['normal', 'urgent', 'emergency'] as const; // 一般 紧急 特急
export type Urgency = (typeof URGENCIES)[number];

/** Why the "办不成事" window matter could not be done. */
export const WINDOW_REASONS = ['policy', 'it_system', 'documents', 'attitude', 'process', 'other'] as const;
export type WindowReason = (typeof WINDOW_REASONS)[number];

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

export const EMERGENCY_LINES = ['110', '119', '120', '122'] as const;

export const ASSIGNMENT_ROLES = ['lead', 'assist'] as const; // 主办 协办
export type AssignmentRole = (typeof ASSIGNMENT_ROLES)[number];

export const REQUEST_KINDS = ['return', 'extension', 'termination'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
/** lapsed: the assignment ended or the reply was approved before anyone decided the request */
export const REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'lapsed'] as const;

export const CONTACT_METHODS = ['phone', 'visit', 'sms', 'other'] as const;

export const SOLVED_RESULTS = ['solved', 'partly', 'unsolved'] as const; // 已解决 部分解决 未解决
export type SolvedResult = (typeof SOLVED_RESULTS)[number];
export const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const; // 满意 基本满意 不满意
export type Satisfaction = (typeof SATISFACTIONS)[number];

export const WARNING_LEVELS = ['none', 'yellow', 'red', 'overdue'] as const;
export const CALENDAR_DAY_KINDS = ['holiday', 'workday'] as const; // holiday = 法定假日, workday = 调休上班

export const APPEAL_STATUSES = ['pending', 'approved', 'rejected'] as const;
export const TIME_UNITS = ['natural_minutes', 'natural_hours', 'natural_days', 'working_hours', 'working_days'] as const;
