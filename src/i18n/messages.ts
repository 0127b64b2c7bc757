/**
 * Every message a person reads from the API, by stable code. Chinese first; English by Accept-Language.
 * `{name}` placeholders are filled from the error's params.
 */
import { ACTION_LABELS, EVENT_LABELS, REQUEST_KIND_LABELS, STATUS_LABELS, TOPIC_ACTION_LABELS, TOPIC_STATUS_LABELS } from '../contract/labels.ts';
import { INPUT_MESSAGES } from './messages-input.ts';
import { METRICS_REPORT_MESSAGES } from './messages-metrics.ts';
import { PRIVACY_MESSAGES } from './messages-privacy.ts';
import { ADMINISTRATOR_MESSAGES } from './messages-administrators.ts';
import { SIGN_IN_MESSAGES } from './messages-sign-in.ts';
import { ASSIST_LEXICON_MESSAGES } from './messages-assist-lexicon.ts';
import { ASSIST_LLM_MESSAGES } from './messages-assist-llm.ts';
import { ASSIST_MODEL_MESSAGES } from './messages-assist-models.ts';
import type { AssignmentAction, AssignmentStatus, RequestKind, TicketAction, TicketStatus, TopicAction, TopicStatus } from '../contract/vocab.ts';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type Messages = Record<string, { 'zh-CN': string; en: string }>;

export const ERROR_MESSAGES = {
  validation_failed: { 'zh-CN': '提交的内容有误，请按提示修改后重试。', en: 'Some fields are invalid; correct them and try again.' },
  method_not_allowed: { 'zh-CN': '该接口不支持此请求方法。', en: 'This endpoint does not support this request method.' },
  unauthenticated: { 'zh-CN': '请先登录。', en: 'Sign in first.' },
  invalid_credentials: { 'zh-CN': '用户名或密码错误。', en: 'Wrong username or password.' },
  login_throttled: {
    'zh-CN': '登录失败次数过多，请 {seconds} 秒后再试。',
    en: 'Too many failed sign-ins; try again in {seconds} seconds.',
  },
  account_disabled: { 'zh-CN': '该账号已停用，请联系管理员。', en: 'This account is disabled; contact an administrator.' },
  session_expired: { 'zh-CN': '登录已过期，请重新登录。', en: 'Your session has expired; sign in again.' },
  csrf_failed: {
    'zh-CN': '安全校验失败：请求缺少有效的 X-CSRF-Token，请刷新页面后重试。',
    en: 'Security check failed: the request lacks a valid X-CSRF-Token header; reload and try again.',
  },
  forbidden: { 'zh-CN': '您的角色无权执行此操作。', en: 'Your role may not do this.' },
  not_found: { 'zh-CN': '未找到该资源。', en: 'Not found.' },
  route_not_found: { 'zh-CN': '没有这个接口，请查看 /api/openapi.json。', en: 'No such endpoint; see /api/openapi.json.' },
  ticket_not_found: { 'zh-CN': '未找到该工单，或您无权查看。', en: 'Ticket not found, or you may not see it.' },
  assignment_not_found: { 'zh-CN': '未找到该派单，或您无权查看。', en: 'Assignment not found, or you may not see it.' },
  user_not_found: { 'zh-CN': '未找到该用户。', en: 'User not found.' },
  inbox_item_not_found: { 'zh-CN': '未找到该消息，或它不属于您。', en: 'Notification not found, or it is not yours.' },
  category_unknown: {
    'zh-CN': '诉求分类 {categoryId} 不存在或不是末级分类，请重新选择。',
    en: 'Category {categoryId} does not exist or is not a leaf; choose another.',
  },
  unit_unknown: { 'zh-CN': '承办单位 {unitId} 不存在或已停用。', en: 'Unit {unitId} does not exist or is inactive.' },
  kb_article_unknown: { 'zh-CN': '知识库条目 {articleId} 不存在。', en: 'Knowledge-base article {articleId} does not exist.' },
  merge_target_invalid: {
    'zh-CN': '只能并入另一张未办结的工单，请检查目标工单号。',
    en: 'A ticket can only be merged into another open ticket; check the target.',
  },
  units_repeated: { 'zh-CN': '同一单位不能既是主办又是协办，也不能重复出现。', en: 'A unit may appear only once, as lead or as assisting unit.' },
  unit_not_assignable: {
    'zh-CN': '不能派单给热线中心本身，请选择承办单位。',
    en: 'Tickets cannot be dispatched to the centre itself; choose a handling unit.',
  },
  designated_cannot_return: {
    'zh-CN': '本单位是退单争议后指定的承办单位，不能再次退单。',
    en: 'Your unit was designated after a disputed return and may not return this ticket again.',
  },
  request_pending: { 'zh-CN': '已有一个同类申请在审核中，请等待审核结果。', en: 'A request of this kind is already awaiting review.' },
  hand_down_not_allowed: {
    'zh-CN': '单位 {unitId} 不是本层级可以下派的层级（如区级可下派街道、街道可下派社区）。',
    en: 'Unit {unitId} is not of a level yours may hand down to (a district hands to streets, a street to communities).',
  },
  hand_down_outside_subtree: {
    'zh-CN': '单位 {unitId} 不是本单位的下级单位，只能下派给本单位下辖的单位。',
    en: 'Unit {unitId} is not beneath your unit; hand down only to units under it.',
  },
  hand_down_due_passed: {
    'zh-CN': '下派办结时限 {at} 已经过去：请选择一个晚于现在、且不晚于本级办结时限的时间。',
    en: 'The hand-down deadline {at} has already passed; choose a time after now and not after your own deadline.',
  },
  hand_down_to_self: { 'zh-CN': '不能下派给本单位自己。', en: 'A unit cannot hand an assignment down to itself.' },
  unit_inactive: { 'zh-CN': '单位 {unitId} 已停用，不能接收派单。', en: 'Unit {unitId} is inactive and cannot receive assignments.' },
  parent_not_active: {
    'zh-CN': '上级单位的派单已不在办理中，不能再审核下级的申请或答复。',
    en: "The parent unit's assignment is no longer being handled; its sub-units' requests can no longer be decided.",
  },
  sub_assignments_open: {
    'zh-CN': '还有 {count} 个下派的子工单在办理中：等下级答复并审核通过，或先收回，再答复或再次下派。',
    en: '{count} handed-down sub-assignment(s) are still open: approve their replies or recall them before replying or handing down again.',
  },
  not_a_sub_assignment: {
    'zh-CN': '这不是下派的子工单：热线中心直接派出的工单由中心审核。',
    en: 'This is not a handed-down sub-assignment; the centre reviews assignments it dispatched itself.',
  },
  beyond_parent_deadline: {
    'zh-CN': '申请的延期时限晚于上级单位的办结时限，本级不能批准：请驳回，或由本级向上级申请延期。',
    en: "The requested deadline is later than the parent unit's own completion deadline; reject it, or ask the level above for an extension first.",
  },
  triage_not_receiving_level: {
    'zh-CN': '只有接收热线中心派单的承办层级（默认为区级）才能对工单研判分类，下派的子工单不研判。',
    en: 'Only the receiving level of a centre dispatch (a district by default) triages a ticket; sub-assignments are not triaged.',
  },
  already_triaged: { 'zh-CN': '该工单已研判分类，不能重复研判。', en: 'This ticket has already been triaged.' },
  no_pending_request: { 'zh-CN': '没有待审核的{kind}申请。', en: 'There is no pending {kind} request.' },
  contact_time_in_future: {
    'zh-CN': '联系时间 {at} 晚于当前时间 {now}：联系诉求人之后再按实际时间记录。',
    en: 'The contact time {at} is later than now ({now}): record a contact after it happens, with its actual time.',
  },
  contact_before_dispatch: {
    'zh-CN': '联系时间 {at} 早于本单派给贵单位的时间 {dispatchedAt}，请核对后填写实际联系诉求人的时间。',
    en: 'The contact time {at} is before the ticket was dispatched to your unit ({dispatchedAt}); check it and enter when you actually reached the caller.',
  },
  contact_backdate_reason_required: {
    'zh-CN': '联系时间 {at} 距现在已超过 {hours} 小时，属于补录，请填写补录原因（例如：当时在现场，无法登录系统）。',
    en: 'The contact time {at} is more than {hours} hours ago; to record it late, give the reason (e.g. on site without access to the system).',
  },
  extension_deadline_passed: {
    'zh-CN': '办结期限 {dueAt} 已过，不能再申请延期（超期已成事实）。请尽快办结并提交答复；确有特殊困难的，请联系热线中心说明情况。',
    en: 'The completion deadline {dueAt} has passed, so an extension can no longer be requested (the miss has happened). Finish and reply as soon as possible; in exceptional cases, contact the hotline centre.',
  },
  extension_not_later: { 'zh-CN': '延期后的期限必须晚于当前期限和当前时间。', en: 'The extended deadline must be later than the current deadline and now.' },
  version_conflict: {
    'zh-CN': '该记录已被他人修改（当前版本 {current}），请刷新后重试。',
    en: 'Someone else changed this first (now version {current}); reload and try again.',
  },
  invalid_transition: {
    'zh-CN': '当前状态为“{status}”，不能执行“{action}”。',
    en: 'The current status is "{status}"; "{action}" is not possible now.',
  },
  bad_review_category_unset: {
    'zh-CN': '差评未指定诉求分类，且找不到名为“{name}”的末级分类：请在请求中给出 categoryId，或由管理员设置 BAD_REVIEW_CATEGORY。',
    en: 'The bad review names no category and there is no leaf category named "{name}": send categoryId, or have an admin set BAD_REVIEW_CATEGORY.',
  },
  bad_review_reference_reused: {
    'zh-CN': '评价编号 {reference} 已提交过内容不同的差评；同一评价请原样重发，新评价请使用新的编号。',
    en: 'Review {reference} was already posted with different content; resend the same review unchanged, or use a new reference for a new one.',
  },
  idempotency_key_reused: {
    'zh-CN': '该 Idempotency-Key 已用于内容不同的请求，请为新请求使用新的键。',
    en: 'This Idempotency-Key was used for a different request; use a new key for a new request.',
  },
  payload_too_large: { 'zh-CN': '请求内容过大。', en: 'The request body is too large.' },
  unsupported_media_type: { 'zh-CN': '请以 application/json 格式提交。', en: 'Send the body as application/json.' },
  draft_too_large: { 'zh-CN': '草稿过大（上限 {max} KB），未能保存。', en: 'The draft is too large to keep (at most {max} KB).' },
  draft_limit_reached: { 'zh-CN': '草稿已达 {max} 份上限，请先保存或清除一些表单。', en: 'You already keep {max} drafts; save or clear some forms first.' },
  bulk_item_failed: {
    'zh-CN': '该工单处理失败（批量中的其他工单不受影响），请稍后单独处理。',
    en: 'This ticket could not be processed (the rest of the batch is unaffected); retry it on its own later.',
  },
  database_unavailable: { 'zh-CN': '数据库暂时不可用，请稍后重试。', en: 'The database is unavailable; retry shortly.' },
  internal_error: { 'zh-CN': '服务器内部错误，请将请求编号 {requestId} 告知管理员。', en: 'Internal error; give request id {requestId} to an administrator.' },
  username_taken: { 'zh-CN': '用户名已存在。', en: 'That username is taken.' },
  role_unit_mismatch: { 'zh-CN': '该角色不能属于此类单位。', en: 'This role cannot belong to this kind of unit.' },
  calendar_not_covered: {
    'zh-CN': '工作日历未覆盖 {date}（该年度节假日安排尚未导入），无法按工作日计算期限，请管理员导入该年度日历。',
    en: 'The working-day calendar does not cover {date} (that year has not been imported), so the deadline cannot be computed; an administrator must import the year.',
  },
  calendar_year_not_imported: {
    'zh-CN': '{year} 年的工作日历尚未导入，请先整体导入该年度，再修改单日。',
    en: 'The {year} calendar has not been imported; import the whole year before editing single days.',
  },
  calendar_workday_not_weekend: {
    'zh-CN': '{day} 不是周六或周日：调休上班日只能设在周末（周一至周五本来就是工作日）。',
    en: '{day} is not a Saturday or Sunday: a make-up working day falls on a weekend (Monday to Friday already work).',
  },
  calendar_day_not_found: { 'zh-CN': '工作日历中没有 {day} 的设置。', en: 'The calendar has no entry for {day}.' },
  calendar_import_inconsistent: {
    'zh-CN': '导入的 {year} 年日历有 {count} 处问题，详见 issues，未做任何修改。',
    en: 'The {year} calendar has {count} problem(s), listed in issues; nothing was changed.',
  },
  calendar_import_empty: {
    'zh-CN': '导入的 {year} 年日历中没有任何节假日，未予导入（否则该年将只按周末计算）。',
    en: 'The {year} calendar lists no holiday and was not imported (the year would otherwise follow weekends alone).',
  },
  calendar_import_year_ambiguous: {
    'zh-CN': 'iCalendar 文件包含多个年份（{years}），请用 ?year= 指定导入哪一年。',
    en: 'The iCalendar file spans several years ({years}); choose one with ?year=.',
  },
  calendar_ical_end_before_start: {
    'zh-CN': 'iCalendar 事件“{summary}”的结束（{end}）不晚于开始（{start}），请检查 DTEND。未导入任何内容。',
    en: 'The iCalendar event "{summary}" ends ({end}) no later than it starts ({start}); check its DTEND. Nothing was imported.',
  },
  calendar_ical_negative_duration: {
    'zh-CN': 'iCalendar 事件“{summary}”的时长 {duration} 不是正数，请检查 DURATION。未导入任何内容。',
    en: 'The iCalendar event "{summary}" has a duration of {duration}, which is not positive; check its DURATION. Nothing was imported.',
  },
  calendar_ical_unknown_tzid: {
    'zh-CN': 'iCalendar 事件“{summary}”使用了未知时区 TZID={tzid}（文件中没有对应的 VTIMEZONE，也不是标准时区名），无法换算为北京时间。未导入任何内容。',
    en: 'The iCalendar event "{summary}" uses an unknown time zone TZID={tzid} (no VTIMEZONE in the file defines it and it is not a standard zone name), so it cannot be read in Beijing time. Nothing was imported.',
  },
  calendar_year_out_of_range: {
    'zh-CN': '{day} 超出可导入的年份范围（{min}–{max} 年）。未导入任何内容。',
    en: '{day} is outside the years that can be imported ({min}–{max}). Nothing was imported.',
  },
  calendar_library_year_missing: {
    'zh-CN': '已安装的节假日数据（{library}）不含 {year} 年（已有：{available}）。请按国务院公布的安排以 JSON 或 iCalendar 导入。',
    en: 'The installed holiday data ({library}) has no table for {year} (it has: {available}). Import the published arrangement as JSON or iCalendar.',
  },
  calendar_ical_recurrence: {
    'zh-CN': 'iCalendar 中的重复事件（RRULE/RDATE，“{summary}”）不受支持，请按年逐日列出节假日。',
    en: 'Recurring iCalendar events (RRULE/RDATE, "{summary}") are not supported; list each year\'s days.',
  },
  invalid_ical: { 'zh-CN': '无法解析 iCalendar 内容，请检查文件格式（详见 issues）。', en: 'The iCalendar text cannot be read; check the file (see issues).' },
  body_not_utf8: { 'zh-CN': '请求内容不是有效的 UTF-8 文本。', en: 'The request body is not valid UTF-8 text.' },
  working_hours_invalid: {
    'zh-CN': '工作时段必须非空、开始早于结束，且互不重叠。',
    en: 'Working-hour segments must be non-empty, each ending after it starts, and must not overlap.',
  },
  alert_not_found: { 'zh-CN': '未找到该系统提醒。', en: 'System alert not found.' },
  topic_not_found: { 'zh-CN': '未找到该治理专题。', en: 'Governance topic not found.' },
  topic_closed: { 'zh-CN': '该治理专题已关闭，不能再修改。', en: 'This governance topic is closed and takes no further changes.' },
  topic_invalid_transition: {
    'zh-CN': '专题当前状态为“{status}”，不能执行“{action}”。',
    en: 'The topic is "{status}"; "{action}" is not possible now.',
  },
  topic_ticket_unknown: { 'zh-CN': '工单 {ids} 不存在。', en: 'Ticket(s) {ids} do not exist.' },
  // dispatch catalogue (派单目录) and street finding
  rule_not_found: { 'zh-CN': '未找到派单规则 {id}。', en: 'Dispatch rule {id} not found.' },
  rule_category_unknown: { 'zh-CN': '诉求分类 {categoryId} 不存在。', en: 'Category {categoryId} does not exist.' },
  unit_not_street: { 'zh-CN': '单位 {unitId} 不是街道（乡镇）。', en: 'Unit {unitId} is not a street or township.' },
  unit_not_district: { 'zh-CN': '单位 {unitId} 不是区（县）。', en: 'Unit {unitId} is not a district.' },
  street_not_in_district: {
    'zh-CN': '街道 {streetUnitId} 不属于区 {districtUnitId}。',
    en: 'Street {streetUnitId} does not belong to district {districtUnitId}.',
  },
  invalid_geometry: {
    'zh-CN': '边界数据不是有效的 GeoJSON 面：每个环须首尾相同且至少 4 个点，坐标为 [经度, 纬度] 且在有效范围内。',
    en: 'The boundary is not a valid GeoJSON polygon: rings need at least 4 positions and must be closed, positions are [lng, lat] within range.',
  },
  unit_code_unknown: { 'zh-CN': '单位编码 {unitCode} 不存在。', en: 'No unit has the code {unitCode}.' },
  boundary_code_repeated: { 'zh-CN': '单位编码 {unitCode} 在导入数据中出现了不止一次。', en: 'Unit code {unitCode} appears more than once in the import.' },
  boundary_not_found: { 'zh-CN': '单位 {unitId} 没有边界数据。', en: 'Unit {unitId} has no boundary.' },
  // notifications and attachments
  template_not_found: { 'zh-CN': '没有名为 {key} 的短信模板。', en: 'There is no message template named {key}.' },
  template_placeholder_unknown: {
    'zh-CN': '模板使用了未知的占位符 {placeholders}；此模板可用：{allowed}。',
    en: 'The template uses unknown placeholders {placeholders}; this template may use: {allowed}.',
  },
  attachment_type_refused: {
    'zh-CN': '不支持该文件类型（按文件内容识别，而非文件名）。可上传：{allowed}。',
    en: 'This file type is not accepted (judged by its content, not its name). Accepted: {allowed}.',
  },
  attachment_not_allowed: {
    'zh-CN': '只有热线中心受理、派单人员，或本单位承办中的派单，才能上传附件。',
    en: 'Only centre intake and dispatch staff, or a unit while it holds a live assignment on the ticket, may attach files.',
  },
  attachment_not_found: { 'zh-CN': '未找到该附件，或您无权查看。', en: 'Attachment not found, or you may not see it.' },
  assignment_not_on_ticket: { 'zh-CN': '派单 {assignmentId} 不属于该工单。', en: 'Assignment {assignmentId} does not belong to this ticket.' },
  // ---- SLA policies and supervision (src/domain/sla)
  sla_policy_not_found: { 'zh-CN': '未找到时限策略 {id}（或已停用）。', en: 'SLA policy {id} not found (or no longer active).' },
  sla_policy_duplicate: {
    'zh-CN': '已有一条相同分类、紧急程度和渠道的启用策略（{id}），请修改该策略或先停用它。',
    en: 'An active policy with the same category, urgency and channel exists ({id}); edit it or deactivate it first.',
  },
  sla_category_unknown: { 'zh-CN': '诉求分类 {categoryId} 不存在或已停用。', en: 'Category {categoryId} does not exist or is inactive.' },
  sla_preset_not_found: { 'zh-CN': '没有名为“{name}”的时限预设。', en: 'There is no SLA preset named "{name}".' },
  supervision_item_not_found: { 'zh-CN': '未找到催办/督办事项 {id}。', en: 'Reminder or supervision item {id} not found.' },
  supervision_item_resolved: { 'zh-CN': '催办/督办事项 {id} 已办结。', en: 'Reminder or supervision item {id} is already resolved.' },
  key_kind_not_tracked: {
    'zh-CN': '重点督办类型 {kind} 未启用（见设置 KEY_SUPERVISION_KINDS）。',
    en: 'Key supervision kind {kind} is not tracked (see the KEY_SUPERVISION_KINDS setting).',
  },
  accountability_item_not_found: { 'zh-CN': '未找到追责事项 {id}。', en: 'Accountability item {id} not found.' },
  accountability_item_resolved: { 'zh-CN': '追责事项 {id} 已于 {resolvedAt} 处理。', en: 'Accountability item {id} was already resolved at {resolvedAt}.' },
  search_field_forbidden: {
    'zh-CN': '按诉求人电话或姓名查询仅限热线中心人员。',
    en: "Searching by the caller's phone or name is for centre staff only.",
  },
  view_name_taken: { 'zh-CN': '已有同名视图，请换一个名称。', en: 'You already have a view with this name.' },
  view_limit_reached: { 'zh-CN': '最多保存 {max} 个视图，请先删除不用的视图。', en: 'You can keep at most {max} views; delete one first.' },
  view_not_found: { 'zh-CN': '未找到该视图。', en: 'View not found.' },
  phone_filter_partial: {
    'zh-CN': '诉求人号码已加密存储，只能按完整号码或后4位查找（收到 {given} 位数字）。',
    en: "Callers' numbers are stored encrypted: search by the whole number or its last four digits ({given} digits given).",
  },
  search_digits_refused: {
    'zh-CN': '为保护诉求人隐私，单位用户不能按连续4位以上的数字搜索工单内容；查找工单请用工单号。',
    en: "To protect callers' privacy, unit users cannot search ticket text by 4 or more digits in a row; find a ticket by its number instead.",
  },
  // citizen look-up and telephony (web workbenches)
  rate_limited: { 'zh-CN': '查询过于频繁，请 {seconds} 秒后再试。', en: 'Too many requests; try again in {seconds} seconds.' },
  lookup_not_found: {
    'zh-CN': '未查到该工单：请核对工单号和手机号后四位。',
    en: 'No ticket found: check the ticket number and the last four digits of the phone.',
  },
  agent_unknown: { 'zh-CN': '坐席 {agent} 不存在或不是在岗话务员。', en: 'Agent {agent} is not an active operator.' },
  realtime_unavailable: { 'zh-CN': '实时推送服务未启动，请稍后重试。', en: 'The realtime service is not running; retry shortly.' },
  // appeals (申诉/免考) and metrics
  appeal_not_found: { 'zh-CN': '未找到该申诉，或您无权查看。', en: 'Appeal not found, or you may not see it.' },
  appeal_pending: { 'zh-CN': '该派单已有一个申诉在审核中，请等待审核结果。', en: 'An appeal for this assignment is already awaiting a decision.' },
  appeal_already_approved: {
    'zh-CN': '该工单已获准免考，本单位不再计入考核，无需再次申诉。',
    en: 'An appeal for this ticket was already approved: it no longer counts in your unit’s score.',
  },
  appeal_not_pending: { 'zh-CN': '该申诉已审核完毕，不能再次审核。', en: 'This appeal has already been decided.' },
  appeal_attachment_unknown: {
    'zh-CN': '附件 {attachmentId} 不存在或不属于该工单。',
    en: 'Attachment {attachmentId} does not exist or does not belong to this ticket.',
  },
  // request bodies the API cannot read or store (messages-input.ts)
  ...INPUT_MESSAGES,
  // metrics and the monthly analysis report (messages-metrics.ts)
  ...METRICS_REPORT_MESSAGES,
  ...PRIVACY_MESSAGES,
  // passwords and the second factor (messages-sign-in.ts)
  ...SIGN_IN_MESSAGES,
  // the separated administrators' accounts, roles and sessions (messages-administrators.ts)
  ...ADMINISTRATOR_MESSAGES,
  // assisted intake's models and settings (messages-assist-models.ts)
  ...ASSIST_MODEL_MESSAGES,
  // the optional language-model hook (messages-assist-llm.ts)
  ...ASSIST_LLM_MESSAGES,
  // assisted intake's segmentation words (messages-assist-lexicon.ts)
  ...ASSIST_LEXICON_MESSAGES,
} satisfies Messages;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

/** English names of what messages mention, keyed by the contract's vocabularies; the Chinese are the contract's. */
const EN_STATUS: Record<TicketStatus | AssignmentStatus, string> = {
  awaiting_dispatch: 'awaiting dispatch',
  awaiting_sign: 'awaiting sign-in',
  in_progress: 'in progress',
  return_requested: 'return requested',
  termination_requested: 'termination requested',
  awaiting_review: 'reply awaiting review',
  awaiting_callback: 'awaiting callback',
  callback_disputed: 'callback disputed',
  closed: 'closed',
  replied: 'replied',
  completed: 'completed (approved by the parent)',
  returned: 'returned',
};
const EN_ACTION: Record<TicketAction | AssignmentAction, string> = {
  dispatch: 'dispatch',
  decline: 'decline',
  merge: 'merge',
  sign: 'sign',
  contact: 'contact the caller',
  note: 'note',
  reply: 'reply',
  request_return: 'request return',
  request_extension: 'request extension',
  request_termination: 'request termination',
  hand_down: 'hand down',
  triage: 'triage',
  approve_return: 'approve return',
  reject_return: 'reject return',
  approve_extension: 'approve extension',
  reject_extension: 'reject extension',
  approve_termination: 'approve termination',
  reject_termination: 'reject termination',
  approve_reply: 'approve reply',
  reject_reply: 'reject reply',
  callback_close: 'callback: close',
  callback_dispute: 'callback: dispute',
  callback_retry: 'callback: retry',
  callback_unreached: 'callback: unreached',
  reopen: 'reopen',
  close: 'close',
};
const EN_REQUEST: Record<RequestKind, string> = { return: 'return', extension: 'extension', termination: 'termination' };
const EN_TOPIC_STATUS: Record<TopicStatus, string> = { open: 'open', in_progress: 'in progress', resolved: 'resolved', closed: 'closed' };
const EN_TOPIC_ACTION: Record<TopicAction, string> = { start: 'start', resolve: 'resolve', reopen: 'reopen', close: 'close' };

/** A name table in both languages: the contract's Chinese names with the English beside them, by the same keys. */
export function bilingual<K extends string>(zh: Record<K, string>, en: Record<K, string>): Record<K, Record<Locale, string>> {
  return Object.fromEntries(Object.entries<string>(zh).map(([k, v]) => [k, { 'zh-CN': v, en: en[k as K] }])) as Record<K, Record<Locale, string>>;
}
const prefixed = (prefix: string, m: Messages): Messages => Object.fromEntries(Object.entries(m).map(([k, v]) => [prefix + k, v]));

/** Labels used inside messages: ticket and assignment statuses and actions, request kinds, topic states. */
export const LABELS: Messages = {
  ...prefixed('topic_', bilingual(TOPIC_STATUS_LABELS, EN_TOPIC_STATUS)),
  ...prefixed('topic_', bilingual(TOPIC_ACTION_LABELS, EN_TOPIC_ACTION)),
  ...bilingual(STATUS_LABELS, EN_STATUS),
  ...bilingual(ACTION_LABELS, EN_ACTION),
  supervise: { 'zh-CN': EVENT_LABELS.supervise, en: 'supervise' },
  ...bilingual(REQUEST_KIND_LABELS, EN_REQUEST),
};

export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'zh-CN';
  for (const part of acceptLanguage.split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

export function message(code: string, locale: Locale, params: Record<string, unknown> = {}): string {
  const entry = (ERROR_MESSAGES as Messages)[code] ?? ERROR_MESSAGES.internal_error;
  return entry[locale].replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined || v === null) return '';
    const label = typeof v === 'string' ? LABELS[v] : undefined;
    return label ? label[locale] : String(v);
  });
}
