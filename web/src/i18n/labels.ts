/**
 * Labels of the closed vocabularies, read through `lbl(group, value)` as message keys `group.value`
 * (`status.closed` → 已办结). The Chinese names are the shared contract's (src/contract/labels.ts), the same the
 * server's messages, reports and SMS use; the English names are here, each table keyed by the vocabulary's type,
 * so a value without a name in either language fails to compile. The last groups are the web's own words.
 */
import {
  ASSIGNMENT_ROLE_LABELS,
  CENTRE_CLOCK_LABELS,
  CHANNEL_LABELS,
  CLOSE_REASON_LABELS,
  CONTACT_METHOD_LABELS,
  DAY_KIND_LABELS,
  DISPOSITION_LABELS,
  EVENT_LABELS,
  KEY_TICKET_KIND_LABELS,
  REQUEST_KIND_LABELS,
  ROLE_LABELS,
  SATISFACTION_LABELS,
  SOLVED_LABELS,
  STATUS_LABELS,
  SUPERVISION_KIND_LABELS,
  TICKET_TYPE_LABELS,
  TOPIC_ACTION_LABELS,
  TOPIC_STATUS_LABELS,
  UNIT_KIND_LABELS,
  URGENCY_LABELS,
  WARNING_LEVEL_LABELS,
  WINDOW_REASON_LABELS,
} from '../../../src/contract/labels.ts';
import type { TicketEventType } from '../../../src/contract/events.ts';
import type {
  AssignmentRole,
  AssignmentStatus,
  CentreClock,
  Channel,
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
  TicketStatus,
  TicketType,
  TopicAction,
  TopicStatus,
  UnitKind,
  Urgency,
  WarningLevel,
  WindowReason,
} from '../../../src/contract/vocab.ts';

/** A vocabulary's table as message keys: `keyed('status', { closed: '已办结' })` is `{ 'status.closed': '已办结' }`. */
function keyed<G extends string, V extends string>(group: G, table: Record<V, string>): Record<`${G}.${V}`, string> {
  return Object.fromEntries(Object.entries(table).map(([value, label]) => [`${group}.${value}`, label])) as Record<`${G}.${V}`, string>;
}

const STATUS_EN: Record<TicketStatus | AssignmentStatus, string> = {
  awaiting_dispatch: 'awaiting dispatch',
  awaiting_sign: 'awaiting sign-in',
  in_progress: 'in progress',
  return_requested: 'return requested',
  termination_requested: 'termination requested',
  awaiting_review: 'reply in review',
  awaiting_callback: 'awaiting callback',
  callback_disputed: 'callback disputed',
  closed: 'closed',
  replied: 'replied',
  completed: 'completed (approved by the parent)',
  returned: 'returned',
};
const EVENT_EN: Record<TicketEventType, string> = {
  dispatch: 'dispatched',
  decline: 'not accepted',
  merge: 'merged',
  approve_return: 'return approved',
  reject_return: 'return rejected',
  approve_extension: 'extension approved',
  reject_extension: 'extension rejected',
  approve_termination: 'termination approved',
  reject_termination: 'termination rejected',
  approve_reply: 'reply approved',
  reject_reply: 'reply sent back',
  callback_close: 'callback: closed',
  callback_dispute: 'callback: disputed',
  callback_retry: 'callback: not reached',
  callback_unreached: 'callback: unreachable',
  reopen: 'reopened',
  close: 'closed',
  sign: 'signed by the unit',
  contact: 'caller contacted',
  note: 'progress note',
  reply: 'unit replied',
  request_return: 'return requested',
  request_extension: 'extension requested',
  request_termination: 'termination requested',
  hand_down: 'handed down',
  triage: 'triaged',
  approve_sub_reply: 'sub-unit reply approved',
  reject_sub_reply: 'sub-unit reply sent back',
  approve_sub_return: 'sub-unit return approved',
  reject_sub_return: 'sub-unit return rejected',
  approve_sub_extension: 'sub-unit extension approved',
  reject_sub_extension: 'sub-unit extension rejected',
  recall: 'hand-down recalled',
  ticket_created: 'received',
  contact_linked: 'repeat call linked',
  ticket_merged_in: 'duplicate merged in',
  attachment_added: 'file attached',
  sla_warning: 'deadline warning',
  sla_uncomputable: 'deadline not computable',
  sla_recomputed: 'deadline recomputed (calendar changed)',
  supervise: 'supervised',
  supervision_escalated: 'supervision escalated to the level above',
  accountability_recorded: 'accountability recorded',
  appeal_filed: 'appeal filed',
  appeal_approved: 'appeal approved',
  appeal_rejected: 'appeal rejected',
  citizen_rated: 'rated by the caller',
  verification_appealed: 'bad rating appealed',
  verification_confirmed: 'bad rating confirmed: to be rectified',
  verification_dismissed: 'bad rating dismissed',
  verification_rectified: 'bad rating rectified and answered',
  verification_warning: 'bad rating clock warning',
  caller_data_anonymised: 'caller data anonymised',
};
const ROLE_EN: Record<Role, string> = {
  operator: 'operator',
  window_clerk: 'window clerk',
  dispatcher: 'dispatcher',
  unit_handler: 'handler',
  unit_leader: 'unit leader',
  callback_agent: 'callback agent',
  supervisor: 'supervisor',
  admin: 'system administrator',
  security_admin: 'security administrator',
  audit_admin: 'audit administrator',
  intake_client: 'API client',
};
const UNIT_KIND_EN: Record<UnitKind, string> = {
  centre: 'hotline centre',
  district: 'districts',
  department: 'departments',
  street: 'streets',
  community: 'communities',
};
const CHANNEL_EN: Record<Channel, string> = {
  phone: 'phone',
  window: 'service-hall window',
  online: 'online',
  open311: 'Open311',
  bad_review: 'bad review',
};
const TICKET_TYPE_EN: Record<TicketType, string> = {
  consult: 'consultation',
  help: 'request for help',
  complaint: 'complaint',
  report: 'report',
  suggestion: 'suggestion',
};
const URGENCY_EN: Record<Urgency, string> = { normal: 'normal', urgent: 'urgent', emergency: 'emergency' };
const WINDOW_REASON_EN: Record<WindowReason, string> = {
  policy: 'unclear policy',
  it_system: 'IT system failure',
  documents: 'unreasonable documents',
  attitude: 'staff attitude',
  process: 'cumbersome process',
  other: 'other',
};
const DISPOSITION_EN: Record<Disposition, string> = {
  dispatch: 'dispatch',
  direct_answer: 'direct answer (close)',
  emergency_transfer: 'transfer to an emergency line',
  not_accepted: 'not accepted',
  repeat: 'repeat (link)',
};
const CLOSE_REASON_EN: Record<CloseReason, string> = {
  direct_answer: 'direct answer',
  emergency_transfer: 'transferred',
  not_accepted: 'not accepted',
  merged: 'merged',
  completed: 'completed',
  terminated: 'terminated',
  unreached: 'caller unreachable',
  supervisor_closed: 'closed by a supervisor',
};
const ASSIGNMENT_ROLE_EN: Record<AssignmentRole, string> = { lead: 'lead', assist: 'assisting' };
const REQUEST_KIND_EN: Record<RequestKind, string> = { return: 'return', extension: 'extension', termination: 'termination' };
const CONTACT_METHOD_EN: Record<ContactMethod, string> = { phone: 'phone', visit: 'visit', sms: 'SMS', other: 'other' };
const SOLVED_EN: Record<SolvedResult, string> = { solved: 'solved', partly: 'partly solved', unsolved: 'unsolved' };
const SATISFACTION_EN: Record<Satisfaction, string> = {
  satisfied: 'satisfied',
  basically_satisfied: 'basically satisfied',
  dissatisfied: 'dissatisfied',
};
const WARNING_LEVEL_EN: Record<WarningLevel, string> = { none: 'on time', yellow: 'yellow warning', red: 'red warning', overdue: 'overdue' };
const CENTRE_CLOCK_EN: Record<CentreClock, string> = {
  dispatch: 'dispatch',
  reply_review: 'reply review',
  return_review: 'return review',
  extension_review: 'extension review',
  termination_review: 'termination review',
  callback: 'callback',
};
const SUPERVISION_KIND_EN: Record<SupervisionKind, string> = { reminder: 'reminder', supervision: 'supervision' };
const KEY_TICKET_KIND_EN: Record<KeyTicketKind, string> = {
  overdue: 'overdue',
  repeat: 'repeated calls',
  redo_dissatisfied: 'dissatisfied after a redo',
  returned: 'returned repeatedly',
};
const DAY_KIND_EN: Record<DayKind, string> = { holiday: 'day off', workday: 'make-up working day' };
const TOPIC_STATUS_EN: Record<TopicStatus, string> = { open: 'open', in_progress: 'in progress', resolved: 'resolved', closed: 'closed' };
const TOPIC_ACTION_EN: Record<TopicAction, string> = { start: 'Start', resolve: 'Resolve', reopen: 'Reopen', close: 'Close' };

const zh = {
  ...keyed('status', STATUS_LABELS),
  ...keyed('event', EVENT_LABELS),
  ...keyed('role', ROLE_LABELS),
  ...keyed('unitKind', UNIT_KIND_LABELS),
  ...keyed('channel', CHANNEL_LABELS),
  ...keyed('type', TICKET_TYPE_LABELS),
  ...keyed('urgency', URGENCY_LABELS),
  ...keyed('windowReason', WINDOW_REASON_LABELS),
  ...keyed('disposition', DISPOSITION_LABELS),
  ...keyed('closeReason', CLOSE_REASON_LABELS),
  ...keyed('assignmentRole', ASSIGNMENT_ROLE_LABELS),
  ...keyed('request', REQUEST_KIND_LABELS),
  ...keyed('contactMethod', CONTACT_METHOD_LABELS),
  ...keyed('solved', SOLVED_LABELS),
  ...keyed('satisfaction', SATISFACTION_LABELS),
  ...keyed('warning', WARNING_LEVEL_LABELS),
  ...keyed('centreClock', CENTRE_CLOCK_LABELS),
  ...keyed('supervisionKind', SUPERVISION_KIND_LABELS),
  ...keyed('keyKind', KEY_TICKET_KIND_LABELS),
  ...keyed('dayKind', DAY_KIND_LABELS),
  ...keyed('topicStatus', TOPIC_STATUS_LABELS),
  ...keyed('topicAction', TOPIC_ACTION_LABELS),

  // The web's own: the dispatcher's queues, routing reasons, duplicate hints, a callback reached or not.
  'queue.dispatch': '待派单',
  'queue.return': '退单审核',
  'queue.extension': '延期审核',
  'queue.termination': '终止审核',
  'queue.reply': '答复审核',

  'reason.no_rule': '目录无匹配规则',
  'reason.street_default': '按事发街道',
  'reason.copy_district': '抄送所在区',
  'reason.category_match': '分类匹配',
  'reason.district_match': '区县匹配',
  'reason.street_match': '街道匹配',
  'reason.keyword_match': '关键词匹配',
  'reason.lead_unit': '规则指定主办',
  'reason.lead_street': '派至事发街道',
  'reason.lead_district': '派至所在区',
  'reason.street_unknown': '街道不明',
  'reason.unit_unclear': '职责不清，派区县',

  'hint.same_phone': '同一来电号码',
  'hint.same_category_nearby': '同类诉求且位置相近',
  'hint.same_category_similar_address': '同类诉求且地址相似',

  'yesno.yes': '已接通',
  'yesno.no': '未接通',
};

const en: Record<keyof typeof zh, string> = {
  ...keyed('status', STATUS_EN),
  ...keyed('event', EVENT_EN),
  ...keyed('role', ROLE_EN),
  ...keyed('unitKind', UNIT_KIND_EN),
  ...keyed('channel', CHANNEL_EN),
  ...keyed('type', TICKET_TYPE_EN),
  ...keyed('urgency', URGENCY_EN),
  ...keyed('windowReason', WINDOW_REASON_EN),
  ...keyed('disposition', DISPOSITION_EN),
  ...keyed('closeReason', CLOSE_REASON_EN),
  ...keyed('assignmentRole', ASSIGNMENT_ROLE_EN),
  ...keyed('request', REQUEST_KIND_EN),
  ...keyed('contactMethod', CONTACT_METHOD_EN),
  ...keyed('solved', SOLVED_EN),
  ...keyed('satisfaction', SATISFACTION_EN),
  ...keyed('warning', WARNING_LEVEL_EN),
  ...keyed('centreClock', CENTRE_CLOCK_EN),
  ...keyed('supervisionKind', SUPERVISION_KIND_EN),
  ...keyed('keyKind', KEY_TICKET_KIND_EN),
  ...keyed('dayKind', DAY_KIND_EN),
  ...keyed('topicStatus', TOPIC_STATUS_EN),
  ...keyed('topicAction', TOPIC_ACTION_EN),

  'queue.dispatch': 'To dispatch',
  'queue.return': 'Returns',
  'queue.extension': 'Extensions',
  'queue.termination': 'Terminations',
  'queue.reply': 'Replies',

  'reason.no_rule': 'no catalogue rule',
  'reason.street_default': "the matter's street",
  'reason.copy_district': 'copy to the district',
  'reason.category_match': 'category matches',
  'reason.district_match': 'district matches',
  'reason.street_match': 'street matches',
  'reason.keyword_match': 'keyword matches',
  'reason.lead_unit': 'lead named by the rule',
  'reason.lead_street': "to the matter's street",
  'reason.lead_district': "to the matter's district",
  'reason.street_unknown': 'street unknown',
  'reason.unit_unclear': 'unit unclear: to the district',

  'hint.same_phone': 'same caller number',
  'hint.same_category_nearby': 'same category nearby',
  'hint.same_category_similar_address': 'same category, similar address',

  'yesno.yes': 'reached',
  'yesno.no': 'not reached',
};

export default { zh, en };
