/**
 * The Chinese names of the closed vocabularies, one table each, keyed by the vocabulary's type so a value
 * without a name is a compile error. Every place that names a status, a channel, an action… reads these:
 * server messages, reports, exports and SMS, and the web app (whose English names are keyed by the same types).
 */
import type { TicketEventType } from './events.ts';
import type {
  SubDecision,
  AppealReasonCode,
  AssignmentAction,
  AssignmentRole,
  AssignmentStatus,
  CentreClock,
  Channel,
  Clock,
  CloseReason,
  ContactMethod,
  DayKind,
  KeyTicketKind,
  Disposition,
  RequestKind,
  Role,
  Satisfaction,
  SolvedResult,
  SupervisionKind,
  TicketAction,
  TicketStatus,
  TicketType,
  TopicAction,
  TopicStatus,
  UnitKind,
  Urgency,
  WarningLevel,
  WindowReason,
  RatingLevel,
  VerificationStatus,
} from './vocab.ts';

/** Ticket statuses and assignment statuses (an assignment's 待签收 / 办理中 / 已办结 read as the ticket's). */
export const STATUS_LABELS: Record<TicketStatus | AssignmentStatus, string> = {
  awaiting_dispatch: '待派单',
  awaiting_sign: '待签收',
  in_progress: '办理中',
  return_requested: '退单待审核',
  termination_requested: '终止待审核',
  awaiting_review: '答复待审核',
  awaiting_callback: '待回访',
  callback_disputed: '回访不满意待处理',
  closed: '已办结',
  replied: '已答复',
  completed: '已审核办结',
  returned: '已退单',
};

/** What each lifecycle action is called when someone is about to do it (buttons, refusals). */
export const ACTION_LABELS: Record<TicketAction | AssignmentAction, string> = {
  dispatch: '派单',
  decline: '不予受理',
  merge: '并单',
  approve_return: '同意退单',
  reject_return: '驳回退单',
  approve_extension: '同意延期',
  reject_extension: '驳回延期',
  approve_termination: '同意终止',
  reject_termination: '驳回终止',
  approve_reply: '答复审核通过',
  reject_reply: '答复退回重办',
  callback_close: '回访办结',
  callback_dispute: '回访不满意',
  callback_retry: '回访未接通',
  callback_unreached: '回访无法联系',
  reopen: '重办',
  close: '办结',
  sign: '签收',
  contact: '联系诉求人',
  note: '办理记录',
  reply: '答复',
  request_return: '申请退单',
  request_extension: '申请延期',
  request_termination: '申请终止',
  hand_down: '下派',
  triage: '研判分类',
};

/** A parent unit's decisions on its sub-assignments (buttons and history alike). */
export const SUB_DECISION_LABELS: Record<SubDecision, string> = {
  approve_sub_reply: '下级答复审核通过',
  reject_sub_reply: '下级答复退回重办',
  approve_sub_return: '同意下级退回',
  reject_sub_return: '不同意下级退回',
  approve_sub_extension: '同意下级延期',
  reject_sub_extension: '不同意下级延期',
  recall: '收回下派',
};

/** What happened, as a ticket's history names each event: an action by its name, a unit's sign and reply by whose they were. */
export const EVENT_LABELS: Record<TicketEventType, string> = {
  ...ACTION_LABELS,
  sign: '承办单位签收',
  reply: '承办单位答复',
  ticket_created: '受理登记',
  contact_linked: '重复来电并入',
  ticket_merged_in: '并入重复件',
  attachment_added: '上传附件',
  sla_warning: '时限预警',
  sla_uncomputable: '时限无法计算',
  sla_recomputed: '日历变更，期限重算',
  supervise: '督办',
  supervision_escalated: '督办升级至上级领导',
  accountability_recorded: '追责',
  appeal_filed: '提出申诉',
  appeal_approved: '申诉通过',
  appeal_rejected: '申诉驳回',
  citizen_rated: '诉求人评价',
  verification_appealed: '差评申诉',
  verification_confirmed: '差评确认，需整改',
  verification_dismissed: '差评不予认定',
  verification_rectified: '差评整改并答复',
  verification_warning: '差评核实时限预警',
  caller_data_anonymised: '诉求人信息已匿名化',
  ...SUB_DECISION_LABELS,
};

export const ROLE_LABELS: Record<Role, string> = {
  operator: '话务员',
  window_clerk: '窗口工作人员',
  dispatcher: '派单员',
  unit_handler: '承办人',
  unit_leader: '单位负责人',
  callback_agent: '回访员',
  supervisor: '督办',
  admin: '系统管理员',
  security_admin: '安全管理员',
  audit_admin: '审计管理员',
  intake_client: '接口客户端',
};

/** Unit kinds as groups (metrics by level, unit lists). */
export const UNIT_KIND_LABELS: Record<UnitKind, string> = {
  centre: '热线中心',
  district: '区县',
  department: '部门',
  street: '街道乡镇',
  community: '社区',
};

export const CHANNEL_LABELS: Record<Channel, string> = {
  phone: '电话',
  window: '“办不成事”窗口',
  online: '网络',
  open311: 'Open311',
  bad_review: '好差评差评',
};

export const TICKET_TYPE_LABELS: Record<TicketType, string> = {
  consult: '咨询',
  help: '求助',
  complaint: '投诉',
  report: '举报',
  suggestion: '建议',
};

export const URGENCY_LABELS: Record<Urgency, string> = { normal: '一般', urgent: '紧急', emergency: '特急' };

export const WINDOW_REASON_LABELS: Record<WindowReason, string> = {
  policy: '政策不明确',
  it_system: '系统故障',
  documents: '材料要求不合理',
  attitude: '服务态度',
  process: '流程繁琐',
  other: '其他',
};

export const DISPOSITION_LABELS: Record<Disposition, string> = {
  dispatch: '派单处理',
  direct_answer: '直接答复办结',
  emergency_transfer: '转紧急热线',
  not_accepted: '不予受理',
  repeat: '重复件并单',
};

export const CLOSE_REASON_LABELS: Record<CloseReason, string> = {
  direct_answer: '直接答复',
  emergency_transfer: '已转紧急热线',
  not_accepted: '不予受理',
  merged: '已并单',
  completed: '办结',
  terminated: '终止办理',
  unreached: '回访无法联系',
  supervisor_closed: '督办办结',
};

export const ASSIGNMENT_ROLE_LABELS: Record<AssignmentRole, string> = { lead: '主办', assist: '协办' };

export const REQUEST_KIND_LABELS: Record<RequestKind, string> = { return: '退单', extension: '延期', termination: '终止' };

export const CONTACT_METHOD_LABELS: Record<ContactMethod, string> = { phone: '电话', visit: '上门', sms: '短信', other: '其他' };

export const SOLVED_LABELS: Record<SolvedResult, string> = { solved: '已解决', partly: '部分解决', unsolved: '未解决' };

export const SATISFACTION_LABELS: Record<Satisfaction, string> = { satisfied: '满意', basically_satisfied: '基本满意', dissatisfied: '不满意' };

export const WARNING_LEVEL_LABELS: Record<WarningLevel, string> = { none: '正常', yellow: '黄色预警', red: '红色预警', overdue: '已超时' };

/** A unit's clocks by their short names (签收时限, 办结已超期… are built from these). */
export const CLOCK_LABELS: Record<Clock, string> = { sign: '签收', response: '响应', complete: '办结' };

/** The centre's own clocks by the step the ticket waits for (the wallboard's waiting list, the monthly report's rows). */
export const CENTRE_CLOCK_LABELS: Record<CentreClock, string> = {
  dispatch: '派单',
  reply_review: '答复审核',
  return_review: '退单审核',
  extension_review: '延期审核',
  termination_review: '终止审核',
  callback: '回访',
};

export const SUPERVISION_KIND_LABELS: Record<SupervisionKind, string> = { reminder: '催办', supervision: '督办' };

/** Key tickets (重点督办) by kind; the threshold of repeat / returned is the setting's and is shown beside the name. */
export const KEY_TICKET_KIND_LABELS: Record<KeyTicketKind, string> = {
  overdue: '超期未办结',
  repeat: '重复来电',
  redo_dissatisfied: '重办后仍不满意',
  returned: '多次退回',
};

export const DAY_KIND_LABELS: Record<DayKind, string> = { holiday: '放假', workday: '调休上班' };

export const RATING_LEVEL_LABELS: Record<RatingLevel, string> = {
  very_satisfied: '非常满意',
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  very_dissatisfied: '非常不满意',
};

export const VERIFICATION_STATUS_LABELS: Record<VerificationStatus, string> = {
  verifying: '待核实',
  appealed: '单位申诉中',
  confirmed: '待整改',
  dismissed: '不予认定',
  rectified: '已整改',
};

export const APPEAL_REASON_LABELS: Record<AppealReasonCode, string> = {
  unreasonable_demand: '诉求不合理',
  malicious: '恶意诉求',
  outside_duties: '不属于本单位职责',
  duplicate: '重复诉求',
  other: '其他',
};

export const TOPIC_STATUS_LABELS: Record<TopicStatus, string> = { open: '待处理', in_progress: '治理中', resolved: '已解决', closed: '已关闭' };

export const TOPIC_ACTION_LABELS: Record<TopicAction, string> = { start: '开始治理', resolve: '标记已解决', reopen: '重新治理', close: '关闭专题' };
