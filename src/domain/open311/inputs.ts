import { Open311Error, type Open311MessageKey } from './errors.ts';
import { MAX_ROWS, MAX_SPAN_DAYS, type RequestFilter } from './requests.ts';

export type Params = Record<string, unknown>;
export type Problem = { key: Open311MessageKey; params?: Record<string, unknown> };

/**
 * One parameter as a trimmed string. The spec: an empty parameter is the same as an absent one. A
 * repeated or nested parameter (the form parser turns `a[]=…` into arrays and objects) is refused.
 */
export function one(params: Params, name: string, problems: Problem[]): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') {
    problems.push({ key: 'param_invalid', params: { param: name, detail: 'a single text value is expected / 须为单个文本值' } });
    return undefined;
  }
  const s = v.trim();
  return s === '' ? undefined : s;
}

/** A comma-delimited list; the spec also allows declaring the parameter several times. */
function list(params: Params, name: string): string[] {
  const v = params[name];
  const parts = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
  return parts
    .flatMap((p) => p.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

const W3C = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

function date(params: Params, name: string): Date | undefined {
  const problems: Problem[] = [];
  const s = one(params, name, problems);
  if (problems.length) throw new Open311Error(400, problems);
  if (s === undefined) return undefined;
  // A bare date is a day in the city's time zone.
  const d = W3C.test(s) ? new Date(s.length === 10 ? `${s}T00:00:00+08:00` : s) : null;
  if (!d || Number.isNaN(d.getTime())) throw Open311Error.of(400, 'date_invalid', { param: name });
  return d;
}

const SPAN = MAX_SPAN_DAYS * 86400_000;

/** start_date / end_date: at most 90 days apart; a missing end is 90 days on, a missing start 90 days back. */
export function dateWindow(params: Params, now: Date): { from: Date; to: Date } {
  const start = date(params, 'start_date');
  const end = date(params, 'end_date');
  if (start && end) {
    if (end < start) throw Open311Error.of(400, 'date_range_reversed');
    if (end.getTime() - start.getTime() > SPAN) throw Open311Error.of(400, 'date_range_too_long');
    return { from: start, to: end };
  }
  if (start) return { from: start, to: new Date(start.getTime() + SPAN) };
  const to = end ?? now;
  return { from: new Date(to.getTime() - SPAN), to };
}

const STATUSES = ['open', 'closed'] as const;
const ID = /^[\w-]{1,40}$/;

/** GET requests: service_request_id overrides everything else, as the spec says. */
export function requestFilter(params: Params, now: Date): RequestFilter {
  const ids = list(params, 'service_request_id');
  if (ids.length) {
    if (ids.length > MAX_ROWS) throw Open311Error.of(400, 'too_many_ids', { max: MAX_ROWS });
    const bad = ids.find((id) => !ID.test(id));
    if (bad) throw Open311Error.of(400, 'param_invalid', { param: 'service_request_id', detail: bad.slice(0, 40) });
    return { ids };
  }
  const statuses = list(params, 'status').map((s) => s.toLowerCase());
  const unknown = statuses.find((s) => !(STATUSES as readonly string[]).includes(s));
  if (unknown) throw Open311Error.of(400, 'param_invalid', { param: 'status', detail: 'open | closed' });
  return {
    serviceCodes: list(params, 'service_code'),
    statuses: [...new Set(statuses)] as ('open' | 'closed')[],
    ...dateWindow(params, now),
  };
}
