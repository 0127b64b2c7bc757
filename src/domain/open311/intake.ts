import type { DbClockDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { resolveBearer } from '../auth/resolve.ts';
import { createTicket, type IntakeDeps } from '../tickets/commands/intake.ts';
import { createTicketInput, phone as phoneSchema } from '../tickets/inputs.ts';
import { TICKET_TYPES, type TicketType } from '../vocab.ts';
import { Open311Error } from './errors.ts';
import { one, type Params, type Problem } from './inputs.ts';
import { DEFAULT_TYPE, findPublicService } from './services.ts';

/** The api_key must be a live bearer token of an intake client (the same tokens the security administrator issues at /api/security/tokens). */
export async function open311Actor(deps: DbClockDeps, apiKey: string | undefined, meta: { ip: string | null; requestId: string | null }): Promise<Actor> {
  if (!apiKey) throw Open311Error.of(403, 'api_key_missing');
  const actor = await resolveBearer(deps, apiKey, meta);
  if (!actor) throw Open311Error.of(403, 'api_key_invalid');
  if (actor.role !== 'intake_client') throw Open311Error.of(403, 'api_key_not_intake_client');
  return actor;
}

const CJK = /^[\p{Script=Han}·]+$/u;

/** Chinese names are family name first, unspaced (王 + 小明 → 王小明); others "first last". */
function fullName(first: string | undefined, last: string | undefined): string | undefined {
  if (!first && !last) return undefined;
  if (first && last && CJK.test(first) && CJK.test(last)) return last + first;
  return [first, last].filter(Boolean).join(' ');
}

/** Where each field of the intake schema came from, so its problems name the parameter the client sent. */
const PARAM_OF: Record<string, string> = {
  content: 'description',
  address: 'address_string',
  lat: 'lat',
  lng: 'long',
  'caller.name': 'first_name/last_name',
  'caller.phone': 'phone',
  type: 'attribute[type]',
};

/**
 * POST requests: GeoReport parameters become the same intake input an online submission uses, validated
 * by the same schema and created by the same command, on channel "open311". Returns the new ticket (or,
 * for a retried Idempotency-Key, the ticket the first attempt created).
 */
export async function submitServiceRequest(deps: IntakeDeps, actor: Actor, params: Params, opts: { idempotencyKey?: string } = {}) {
  const problems: Problem[] = [];
  const code = one(params, 'service_code', problems);
  const lat = one(params, 'lat', problems);
  const long = one(params, 'long', problems);
  const addressString = one(params, 'address_string', problems);
  const addressId = one(params, 'address_id', problems);
  const description = one(params, 'description', problems);
  const phone = one(params, 'phone', problems);
  const name = fullName(one(params, 'first_name', problems), one(params, 'last_name', problems));
  const attributes = params.attribute && typeof params.attribute === 'object' && !Array.isArray(params.attribute) ? (params.attribute as Params) : {};
  const type = one(attributes, 'type', problems) ?? DEFAULT_TYPE;
  // email, device_id, account_id and media_url are accepted and not kept: the ticket has no place for them.

  if (!code) problems.push({ key: 'service_code_missing' });
  if ((lat === undefined) !== (long === undefined)) problems.push({ key: 'lat_long_pair' });
  else if (lat === undefined && !addressString && !addressId) problems.push({ key: 'location_missing' });
  const latN = lat === undefined ? undefined : Number(lat);
  const longN = long === undefined ? undefined : Number(long);
  if (latN !== undefined && !Number.isFinite(latN)) problems.push({ key: 'param_invalid', params: { param: 'lat', detail: lat } });
  if (longN !== undefined && !Number.isFinite(longN)) problems.push({ key: 'param_invalid', params: { param: 'long', detail: long } });
  if (!description) problems.push({ key: 'description_missing' });
  if (!phone) problems.push({ key: 'phone_missing' });
  else if (!phoneSchema.safeParse(phone).success) problems.push({ key: 'phone_invalid', params: { phone: phone.slice(0, 30) } });
  if (!(TICKET_TYPES as readonly string[]).includes(type)) {
    problems.push({ key: 'param_invalid', params: { param: 'attribute[type]', detail: TICKET_TYPES.join(' | ') } });
  }
  const service = code ? await findPublicService(deps.db, code) : null;
  if (code && !service) problems.push({ key: 'service_code_unknown', params: { code: code.slice(0, 100) } });
  if (problems.length) throw new Open311Error(400, problems);

  const parsed = createTicketInput.safeParse({
    type: type as TicketType,
    categoryId: service!.id,
    content: description,
    address: addressString ?? (addressId ? `地址编号 ${addressId}` : undefined),
    lat: latN,
    lng: longN,
    caller: { name, phone },
  });
  if (!parsed.success) {
    throw new Open311Error(
      400,
      parsed.error.issues.map((i) => {
        const path = i.path.map(String).join('.');
        return { key: 'param_invalid' as const, params: { param: PARAM_OF[path] ?? path, detail: i.message } };
      }),
    );
  }
  const r = await createTicket(deps, actor, parsed.data, { idempotencyKey: opts.idempotencyKey, channel: 'open311' });
  return { ticket: r.ticket, replayed: r.replayed };
}
