import { DomainError } from '../errors.ts';
import type { Locale } from '../../i18n/messages.ts';

/**
 * GeoReport v2 answers errors as `[{code, description}]` with HTTP 400 (anything the client must fix),
 * 403 (api_key missing or refused) or 404 (no such resource). Descriptions are meant for the person
 * using the client, so each has a Chinese and an English text, chosen by Accept-Language.
 */
export const OPEN311_MESSAGES = {
  api_key_missing: {
    'zh-CN': '缺少 api_key，不能提交诉求。',
    en: 'api_key is missing -- cannot create a service request without one.',
  },
  api_key_invalid: {
    'zh-CN': 'api_key 无效、已吊销或已过期，不能提交诉求。',
    en: "Invalid, revoked or expired api_key received -- can't proceed with create_request.",
  },
  api_key_not_intake_client: {
    'zh-CN': '该 api_key 不属于接入方（intake_client）账号，不能提交诉求。',
    en: 'This api_key does not belong to an intake client account and may not create service requests.',
  },
  format_unsupported: { 'zh-CN': '不支持的格式“{format}”，请使用 .json 或 .xml。', en: 'Unsupported format "{format}": use .json or .xml.' },
  route_not_found: { 'zh-CN': '没有这个资源：{path}。请从 discovery.xml 开始。', en: 'No such resource: {path}. Start from discovery.xml.' },
  method_not_allowed: { 'zh-CN': '{path} 不支持 {method} 方法。', en: '{path} does not accept {method}.' },
  service_not_found: { 'zh-CN': '没有对外开放的服务 service_code={code}。', en: 'service_code {code} was not found.' },
  service_code_missing: { 'zh-CN': '缺少 service_code，请先调用 services 接口获取。', en: 'service_code was not provided; get one from the services list.' },
  service_code_unknown: {
    'zh-CN': 'service_code {code} 不存在或不对外开放，请从 services 接口选择。',
    en: 'service_code {code} was not found among the public services; choose one from the services list.',
  },
  request_not_found: { 'zh-CN': '没有可公开查询的诉求 service_request_id={id}。', en: 'service_request_id {id} was not found.' },
  token_not_found: { 'zh-CN': '没有与 token {token} 对应的诉求。', en: 'No service request was created with token {token}.' },
  location_missing: {
    'zh-CN': '请提供位置：lat 与 long，或 address_string，或 address_id。',
    en: 'A location is required: lat and long, or address_string, or address_id.',
  },
  lat_long_pair: { 'zh-CN': 'lat 与 long 须同时提供。', en: 'lat and long must be sent together.' },
  phone_missing: {
    'zh-CN': '缺少 phone：热线须回访诉求人，请提供中国大陆手机号（11 位）或座机号（区号-号码）。',
    en: 'phone is required: the hotline calls every requester back, so send a mainland China mobile (11 digits) or landline (area code-number).',
  },
  phone_invalid: {
    'zh-CN': 'phone“{phone}”不是有效的中国大陆手机号（11 位）或座机号（区号-号码）。',
    en: 'phone "{phone}" is not a mainland China mobile (11 digits) or landline (area code-number) number.',
  },
  description_missing: {
    'zh-CN': '缺少 description：请用 10～4000 字描述诉求。',
    en: 'description is required: describe the request in 10 to 4,000 characters.',
  },
  param_invalid: { 'zh-CN': '参数 {param} 有误：{detail}', en: 'Parameter {param} is invalid: {detail}' },
  date_invalid: {
    'zh-CN': '{param} 须为 W3C 日期时间格式并带时区，例如 2026-03-01T00:00:00+08:00。',
    en: '{param} must be a W3C datetime with a time zone, e.g. 2026-03-01T00:00:00Z.',
  },
  date_range_reversed: { 'zh-CN': 'end_date 不能早于 start_date。', en: 'end_date is before start_date.' },
  date_range_too_long: { 'zh-CN': 'start_date 与 end_date 的跨度不能超过 90 天。', en: 'start_date to end_date may not span more than 90 days.' },
  too_many_ids: { 'zh-CN': '一次最多查询 {max} 个 service_request_id。', en: 'At most {max} service_request_id values at once.' },
  idempotency_key_invalid: {
    'zh-CN': 'Idempotency-Key 须为 8～200 个字母、数字或 . _ ~ -。',
    en: 'Idempotency-Key must be 8 to 200 letters, digits or . _ ~ -.',
  },
  body_unreadable: { 'zh-CN': '无法解析请求内容。', en: 'The request body cannot be parsed.' },
  body_too_large: { 'zh-CN': '请求内容过大（上限 {limit}）。', en: 'The request body is too large (limit {limit}).' },
  content_type_unsupported: {
    'zh-CN': '请以 application/x-www-form-urlencoded（或 application/json）提交。',
    en: 'Send the request as application/x-www-form-urlencoded (or application/json).',
  },
  internal_error: {
    'zh-CN': '服务器内部错误，请将请求编号 {requestId} 告知热线中心。',
    en: 'Internal error; give request id {requestId} to the hotline centre.',
  },
  unavailable: { 'zh-CN': '服务暂时不可用，请稍后重试。', en: 'The service is unavailable; retry shortly.' },
} satisfies Record<string, Record<Locale, string>>;

export type Open311MessageKey = keyof typeof OPEN311_MESSAGES;

export function open311Message(key: Open311MessageKey, locale: Locale, params: Record<string, unknown> = {}): string {
  return OPEN311_MESSAGES[key][locale].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
}

/** One or more spec errors (the response is an array), all with the same HTTP status. */
export class Open311Error extends DomainError {
  constructor(
    status: 400 | 403 | 404,
    public readonly problems: { key: Open311MessageKey; params?: Record<string, unknown> }[],
  ) {
    super(`open311_${problems[0]?.key ?? 'error'}`, status);
  }
  static of(status: 400 | 403 | 404, key: Open311MessageKey, params: Record<string, unknown> = {}) {
    return new Open311Error(status, [{ key, params }]);
  }
}
