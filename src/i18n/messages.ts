/**
 * Every message a person reads from the API, by stable code. Chinese first; English by Accept-Language.
 * `{name}` placeholders are filled from the error's params.
 */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type Messages = Record<string, { 'zh-CN': string; en: string }>;

export const ERROR_MESSAGES = {
  validation_failed: { 'zh-CN': '提交的内容有误，请按提示修改后重试。', en: 'Some fields are invalid; correct them and try again.' },
  invalid_json: { 'zh-CN': '请求体不是有效的 JSON。', en: 'The request body is not valid JSON.' },
  unauthenticated: { 'zh-CN': '请先登录。', en: 'Sign in first.' },
  invalid_credentials: { 'zh-CN': '用户名或密码错误。', en: 'Wrong username or password.' },
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
  category_unknown: { 'zh-CN': '诉求分类 {categoryId} 不存在或不是末级分类，请重新选择。', en: 'Category {categoryId} does not exist or is not a leaf; choose another.' },
  unit_unknown: { 'zh-CN': '承办单位 {unitId} 不存在或已停用。', en: 'Unit {unitId} does not exist or is inactive.' },
  kb_article_unknown: { 'zh-CN': '知识库条目 {articleId} 不存在。', en: 'Knowledge-base article {articleId} does not exist.' },
  merge_target_invalid: {
    'zh-CN': '只能并入另一张未办结的工单，请检查目标工单号。',
    en: 'A ticket can only be merged into another open ticket; check the target.',
  },
  units_repeated: { 'zh-CN': '同一单位不能既是主办又是协办，也不能重复出现。', en: 'A unit may appear only once, as lead or as assisting unit.' },
  unit_not_assignable: { 'zh-CN': '不能派单给热线中心本身，请选择承办单位。', en: 'Tickets cannot be dispatched to the centre itself; choose a handling unit.' },
  designated_cannot_return: {
    'zh-CN': '本单位是退单争议后指定的承办单位，不能再次退单。',
    en: 'Your unit was designated after a disputed return and may not return this ticket again.',
  },
  request_pending: { 'zh-CN': '已有一个同类申请在审核中，请等待审核结果。', en: 'A request of this kind is already awaiting review.' },
  no_pending_request: { 'zh-CN': '没有待审核的{kind}申请。', en: 'There is no pending {kind} request.' },
  extension_not_later: { 'zh-CN': '延期后的期限必须晚于当前期限和当前时间。', en: 'The extended deadline must be later than the current deadline and now.' },
  version_conflict: {
    'zh-CN': '该记录已被他人修改（当前版本 {current}），请刷新后重试。',
    en: 'Someone else changed this first (now version {current}); reload and try again.',
  },
  invalid_transition: {
    'zh-CN': '当前状态为“{status}”，不能执行“{action}”。',
    en: 'The current status is "{status}"; "{action}" is not possible now.',
  },
  idempotency_key_reused: {
    'zh-CN': '该 Idempotency-Key 已用于内容不同的请求，请为新请求使用新的键。',
    en: 'This Idempotency-Key was used for a different request; use a new key for a new request.',
  },
  payload_too_large: { 'zh-CN': '请求内容过大。', en: 'The request body is too large.' },
  unsupported_media_type: { 'zh-CN': '请以 application/json 格式提交。', en: 'Send the body as application/json.' },
  database_unavailable: { 'zh-CN': '数据库暂时不可用，请稍后重试。', en: 'The database is unavailable; retry shortly.' },
  internal_error: { 'zh-CN': '服务器内部错误，请将请求编号 {requestId} 告知管理员。', en: 'Internal error; give request id {requestId} to an administrator.' },
  username_taken: { 'zh-CN': '用户名已存在。', en: 'That username is taken.' },
  password_policy: {
    'zh-CN': '密码至少 10 位，并包含大写字母、小写字母、数字、符号中的三类。',
    en: 'Passwords need at least 10 characters from three of: upper case, lower case, digits, symbols.',
  },
  role_unit_mismatch: { 'zh-CN': '该角色不能属于此类单位。', en: 'This role cannot belong to this kind of unit.' },
} satisfies Messages;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

/** Labels used inside messages (status and action names). */
export const LABELS: Messages = {
  awaiting_dispatch: { 'zh-CN': '待派单', en: 'awaiting dispatch' },
  awaiting_sign: { 'zh-CN': '待签收', en: 'awaiting sign-in' },
  in_progress: { 'zh-CN': '办理中', en: 'in progress' },
  return_requested: { 'zh-CN': '退单待审核', en: 'return requested' },
  termination_requested: { 'zh-CN': '终止待审核', en: 'termination requested' },
  awaiting_review: { 'zh-CN': '答复待审核', en: 'reply awaiting review' },
  awaiting_callback: { 'zh-CN': '待回访', en: 'awaiting callback' },
  callback_disputed: { 'zh-CN': '回访不满意待处理', en: 'callback disputed' },
  closed: { 'zh-CN': '已办结', en: 'closed' },
  replied: { 'zh-CN': '已答复', en: 'replied' },
  returned: { 'zh-CN': '已退单', en: 'returned' },
  dispatch: { 'zh-CN': '派单', en: 'dispatch' },
  decline: { 'zh-CN': '不予受理', en: 'decline' },
  merge: { 'zh-CN': '并单', en: 'merge' },
  sign: { 'zh-CN': '签收', en: 'sign' },
  contact: { 'zh-CN': '联系诉求人', en: 'contact the caller' },
  note: { 'zh-CN': '办理记录', en: 'note' },
  reply: { 'zh-CN': '答复', en: 'reply' },
  request_return: { 'zh-CN': '申请退单', en: 'request return' },
  request_extension: { 'zh-CN': '申请延期', en: 'request extension' },
  request_termination: { 'zh-CN': '申请终止', en: 'request termination' },
  approve_return: { 'zh-CN': '同意退单', en: 'approve return' },
  reject_return: { 'zh-CN': '驳回退单', en: 'reject return' },
  approve_extension: { 'zh-CN': '同意延期', en: 'approve extension' },
  reject_extension: { 'zh-CN': '驳回延期', en: 'reject extension' },
  approve_termination: { 'zh-CN': '同意终止', en: 'approve termination' },
  reject_termination: { 'zh-CN': '驳回终止', en: 'reject termination' },
  approve_reply: { 'zh-CN': '答复审核通过', en: 'approve reply' },
  reject_reply: { 'zh-CN': '答复退回重办', en: 'reject reply' },
  callback_close: { 'zh-CN': '回访办结', en: 'callback: close' },
  callback_dispute: { 'zh-CN': '回访不满意', en: 'callback: dispute' },
  callback_retry: { 'zh-CN': '回访未接通', en: 'callback: retry' },
  callback_unreached: { 'zh-CN': '回访无法联系', en: 'callback: unreached' },
  reopen: { 'zh-CN': '重办', en: 'reopen' },
  close: { 'zh-CN': '办结', en: 'close' },
  return: { 'zh-CN': '退单', en: 'return' },
  extension: { 'zh-CN': '延期', en: 'extension' },
  termination: { 'zh-CN': '终止', en: 'termination' },
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
