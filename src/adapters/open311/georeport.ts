/**
 * The GeoReport v2 wire format (http://wiki.open311.org/GeoReport_v2, with mySociety's
 * servicerequestupdates): the spec's field names, its date format and its two encodings. The domain
 * (src/domain/open311/) decides what the public may read and hands over plain records; this file only
 * names their fields the way the spec does, in the spec's order, and writes them as JSON or XML.
 */
import type { PublicRequest } from '../../domain/open311/requests.ts';
import { DEFAULT_TYPE, type Service } from '../../domain/open311/services.ts';
import type { PublicUpdate } from '../../domain/open311/updates.ts';
import { TICKET_TYPES } from '../../domain/vocab.ts';
import { TICKET_TYPE_LABELS } from '../../contract/labels.ts';
import { toXml } from './xml.ts';

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

export type Format = 'json' | 'xml';

/** One document in the asked format; `root` is the XML document element (the JSON is the value itself). */
export function encode(fmt: Format, root: string, value: unknown): { type: string; body: string } {
  return fmt === 'xml'
    ? { type: 'text/xml; charset=utf-8', body: toXml(root, value) }
    : { type: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

/** W3C datetime as the spec writes it: UTC+8 (the city's time, no daylight saving), seconds precision. */
export function w3c(d: Date | null | undefined): string | null {
  if (!d) return null;
  return `${new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

/** The discovery document: one production endpoint, both formats. */
export function discovery(opts: { url: string; changeset: string; contact: string; keyService: string }) {
  return {
    changeset: opts.changeset,
    contact: opts.contact,
    key_service: opts.keyService,
    endpoints: [
      {
        specification: SPECIFICATION,
        url: opts.url,
        changeset: opts.changeset,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}

/** A service list entry. */
export function serviceEntry(s: Service) {
  return {
    service_code: s.code,
    service_name: s.name,
    description: s.description || [...s.ancestors, s.name].join(' / '),
    metadata: true,
    type: 'realtime',
    keywords: [...s.ancestors, s.name].join(','),
    group: s.ancestors[0] ?? s.name,
  };
}

/** A service definition: its one attribute, the kind of request (诉求类型). */
export function serviceDefinition(s: Service) {
  return {
    service_code: s.code,
    attributes: [
      {
        variable: true,
        code: 'type',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: `诉求类型，默认“${TICKET_TYPE_LABELS[DEFAULT_TYPE]}”(${DEFAULT_TYPE})`,
        order: 1,
        description: '诉求类型：咨询、求助、投诉、举报或建议',
        values: TICKET_TYPES.map((t) => ({ key: t, name: TICKET_TYPE_LABELS[t] })),
      },
    ],
  };
}

/** A service request: every field of the spec's list, null where this system has no value. */
export function serviceRequest(r: PublicRequest) {
  return {
    service_request_id: r.number,
    status: r.closed ? 'closed' : 'open',
    status_notes: r.statusNotes,
    service_name: r.serviceName,
    service_code: r.serviceCode,
    description: r.description,
    agency_responsible: r.agency,
    service_notice: null,
    requested_datetime: w3c(r.requestedAt),
    updated_datetime: w3c(r.updatedAt),
    expected_datetime: w3c(r.expectedAt),
    address: r.address,
    address_id: null,
    zipcode: null,
    lat: r.lat,
    long: r.lng,
    media_url: null,
  };
}

/** The answer to a POST: the new request's number and what the caller is told. */
export function createdRequest(number: string, notice: string) {
  return { service_request_id: number, service_notice: notice, account_id: null };
}

/** Which request an Idempotency-Key (the spec's token) created. */
export function tokenEntry(number: string, token: string) {
  return { service_request_id: number, token };
}

/** One entry of servicerequestupdates. */
export function requestUpdate(u: PublicUpdate) {
  return {
    update_id: String(u.id),
    service_request_id: u.number,
    status: u.closed ? 'closed' : 'open',
    updated_datetime: w3c(u.at),
    description: u.description,
    media_url: null,
  };
}

/** One entry of the spec's error list. */
export const errorEntry = (code: number, description: string) => ({ code, description });
