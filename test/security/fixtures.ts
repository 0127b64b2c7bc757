/**
 * The world the security tests act in: a small city (test/setup/world.ts) with a ticket of street A in
 * progress, a confidential one, one handed down the chain of levels, an attachment, an appeal, an alert, a
 * supervision item, and one of every other resource a route names by id. Plus a raw HTTP client that records
 * every response for the PII scan.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { citizenRatings, ratingVerifications, supervisionItems } from '../../db/schema/index.ts';
import { raiseSystemAlert } from '../../src/domain/alerts.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { PNG } from '../setup/files.ts';
import { startApi, type Api } from '../setup/server.ts';
import { callBody, makeKbArticle, makeUnit, makeUser, makeWorld, seedCalendar, type TestUser, type World } from '../setup/world.ts';
import type { Database } from '../../db/client.ts';
import type { Subject } from './expectations.ts';
import { IN_TEXT, Recorder, SEEDED } from './pii-scan.ts';

/** Every free text of the chain's ticket carries it: none may reach a unit outside the chain (a sibling community). */
export const CHAIN_MARK = '链路测试';

export type Fixtures = {
  ticketA: { id: number; number: string; version: number };
  assignmentA: number;
  confidentialA: { id: number; number: string };
  /** handed down centre → district A → street A → community A, each level signed; a number in each hand-down note */
  chain: { ticketId: number; number: string; communitySub: number };
  /** submitted by the intake client (the portal) */
  portalTicket: number;
  attachmentA: number;
  appealA: number;
  /** a bad rating of ticket A (street A) under verification */
  verificationA: number;
  alert: () => Promise<number>;
  supervisionItem: number;
  rule: number;
  policy: number;
  kb: number;
  victimUser: number;
  token: number;
  boundaryUnit: number;
  calendarDay: string;
  template: string;
  topic: number;
  /** a fresh governance topic with ticket A linked */
  linkedTopic: () => Promise<number>;
  reportMonth: string;
  preset: string;
  units: { centre: number; streetA: number; streetB: number };
  category: number;
};

export type Req = {
  params?: Record<string, string | number>;
  query?: Record<string, string>;
  body?: unknown;
  /** A body sent as is (not JSON), with its headers */
  raw?: { body: Buffer; headers: Record<string, string> };
  headers?: Record<string, string>;
};

export type Res = { status: number; text: string; body: any; headers: Headers };

export type SecurityWorld = {
  database: Database;
  deps: TestDeps;
  api: Api;
  w: World;
  leaderB: TestUser;
  fx: Fixtures;
  users: Record<Exclude<Subject, 'anonymous'>, TestUser>;
  recorder: Recorder;
  /** One request as a subject (bearer token; none for anonymous), recorded for the PII scan. */
  send(subject: Subject, method: string, url: string, req?: Omit<Req, 'params' | 'query'>): Promise<Res>;
  close(): Promise<void>;
};

/** Fills `:name` path parameters; values are URL-encoded. */
export function fillPath(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/:(\w+)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`no value for :${name} in ${template}`);
    return encodeURIComponent(String(params[name]));
  });
}

export function urlOf(template: string, req: Req): string {
  const q = req.query && Object.keys(req.query).length ? `?${new URLSearchParams(req.query)}` : '';
  return fillPath(template, req.params) + q;
}

/** `report`: also make March's monthly report (a Chromium render: a few seconds), for the routes that read it. */
export async function makeSecurityWorld(opts: { realtime?: boolean; report?: boolean } = {}): Promise<SecurityWorld> {
  const database = await freshDatabase();
  const attachmentsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-sec-att-'));
  const deps = makeDeps(database, { ATTACHMENTS_DIR: attachmentsDir, ...(opts.realtime && database.url ? { DATABASE_URL: database.url } : {}) });
  const api = await startApi(deps, { realtime: opts.realtime });
  const w = await makeWorld(deps.db);
  await seedCalendar(deps.db);
  const leaderB = await makeUser(deps.db, 'unit_leader', w.units.streetB);
  const siblingCommunity = await makeUnit(deps.db, 'community', '甲二社区', w.units.streetA);
  const users: SecurityWorld['users'] = {
    operator: w.operator,
    window_clerk: w.clerk,
    dispatcher: w.dispatcher,
    callback_agent: w.callbackAgent,
    supervisor: w.supervisor,
    admin: w.admin,
    security_admin: w.securityAdmin,
    audit_admin: w.auditAdmin,
    intake_client: w.portal,
    'unit_handler@own': w.handlerA,
    'unit_leader@own': w.leaderA,
    'unit_handler@other': w.handlerB,
    'unit_leader@other': leaderB,
    'unit_handler@district': w.handlerDistrictA,
    'unit_handler@community': w.handlerCommunityA,
    'unit_handler@sibling': await makeUser(deps.db, 'unit_handler', siblingCommunity),
  };
  const recorder = new Recorder();

  async function send(subject: Subject, method: string, url: string, req: Omit<Req, 'params' | 'query'> = {}): Promise<Res> {
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    if (subject !== 'anonymous' && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
      headers.authorization = `Bearer ${users[subject].token}`;
    }
    let body: RequestInit['body'];
    if (req.raw) {
      Object.assign(headers, req.raw.headers);
      body = new Uint8Array(req.raw.body);
    } else if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    }
    const r = await fetch(api.base + url, { method, headers, body });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* CSV, XML, HTML */
    }
    recorder.record({ subject, method, url, status: r.status, text });
    return { status: r.status, text, body: parsed, headers: r.headers };
  }

  const ok = async (subject: Subject, method: string, url: string, req?: Omit<Req, 'params' | 'query'>) => {
    const r = await send(subject, method, url, req);
    expect(r.status, `${subject} ${method} ${url} → ${r.text}`).toBeLessThan(300);
    return r.body;
  };

  // A ticket of street A, signed: in progress. Its caller is one of the seeded, never-leaked numbers.
  let tA = await ok('operator', 'POST', '/api/tickets', { body: callBody(w.category.id, { caller: SEEDED.plain }) });
  tA = await ok('dispatcher', 'POST', `/api/tickets/${tA.id}/dispatch`, { body: { version: tA.version, leadUnitId: w.units.streetA.id } });
  const lead = tA.assignments[0];
  tA = await ok('unit_handler@own', 'POST', `/api/assignments/${lead.id}/sign`, { body: { version: lead.version } });
  // A confidential report, dispatched to street A too.
  let tC = await ok('operator', 'POST', '/api/tickets', { body: callBody(w.category.id, { caller: SEEDED.confidential, confidential: true, type: 'report' }) });
  tC = await ok('dispatcher', 'POST', `/api/tickets/${tC.id}/dispatch`, { body: { version: tC.version, leadUnitId: w.units.streetA.id } });
  // The chain of levels: the centre dispatches to district A, which hands down to street A, which
  // hands down to community A; each level signs, and types a phone number into its note.
  const step = (subject: Subject, a: { id: number; version: number }, action: string, body: Record<string, unknown> = {}) =>
    ok(subject, 'POST', `/api/assignments/${a.id}/${action}`, { body: { version: a.version, ...body } });
  const held = (v: any, unitId: number) => v.assignments.findLast((a: { unit: { id: number } }) => a.unit.id === unitId);
  let tL = await ok('operator', 'POST', '/api/tickets', { body: callBody(w.category.id, { caller: SEEDED.chain }) });
  tL = await ok('dispatcher', 'POST', `/api/tickets/${tL.id}/dispatch`, { body: { version: tL.version, leadUnitId: w.units.districtA.id } });
  tL = await step('unit_handler@district', held(tL, w.units.districtA.id), 'sign');
  const handDown = { leadUnitId: w.units.streetA.id, note: `${CHAIN_MARK}：请街道牵头处理，区联系人 ${IN_TEXT.handDown}` };
  tL = await step('unit_handler@district', held(tL, w.units.districtA.id), 'hand-down', handDown);
  tL = await step('unit_handler@own', held(tL, w.units.streetA.id), 'sign');
  const subHandDown = { leadUnitId: w.units.communityA.id, note: `${CHAIN_MARK}：请社区上门核实，街道联系人 ${IN_TEXT.subHandDown}` };
  tL = await step('unit_handler@own', held(tL, w.units.streetA.id), 'hand-down', subHandDown);
  tL = await step('unit_handler@community', held(tL, w.units.communityA.id), 'sign');
  // Tickets that stay at the centre, one from the portal.
  await ok('operator', 'POST', '/api/tickets', { body: callBody(w.category.id, { caller: SEEDED.waiting }) });
  const portalTicket = await ok('intake_client', 'POST', '/api/tickets', { body: callBody(w.category.id, { caller: SEEDED.portal }) });

  const att = await ok('unit_handler@own', 'POST', `/api/tickets/${tA.id}/attachments?kind=evidence`, {
    raw: { body: PNG, headers: { 'content-type': 'image/png', 'x-file-name': encodeURIComponent('现场.png') } },
  });
  const appeal = await ok('unit_leader@own', 'POST', `/api/assignments/${lead.id}/appeal`, {
    body: { reasonCode: 'unreasonable_demand', reason: '诉求超出本单位职责范围，已多次解释说明' },
  });
  let alerts = 0;
  const alert = async () => {
    await raiseSystemAlert(deps.db, { kind: 'security_test', dedupeKey: `security-${++alerts}-${Math.random()}`, message: '测试告警' });
    const list = await ok('admin', 'GET', '/api/alerts?kind=security_test');
    return list.items[0].id as number;
  };
  const [item] = await deps.db
    .insert(supervisionItems)
    .values({ ticketId: tA.id, assignmentId: lead.id, unitId: w.units.streetA.id, kind: 'supervision', reason: '测试督办', clock: 'sign' })
    .returning();
  const rule = await ok('admin', 'POST', '/api/routing/rules', {
    body: { name: '安全测试规则', leadMode: 'unit', categoryId: w.category.id, leadUnitId: w.units.streetA.id },
  });
  const policy = await ok('admin', 'POST', '/api/sla/policies', {
    body: {
      name: '安全测试策略',
      categoryId: w.parentCategory.id,
      sign: { amount: 100, unit: 'natural_minutes' },
      response: { amount: 200, unit: 'natural_minutes' },
      complete: { amount: 400, unit: 'natural_minutes' },
    },
  });
  const kb = await makeKbArticle(deps.db, '噪音扰民怎么办', '夜间施工噪音可以向城管部门反映。', '噪音 施工');
  const victim = await makeUser(deps.db, 'operator', w.units.centre);
  const token = await ok('security_admin', 'POST', '/api/security/tokens', { body: { userId: w.portal.id, name: '安全测试令牌' } });
  const ring = [
    [120.1, 30.2],
    [120.2, 30.2],
    [120.2, 30.3],
    [120.1, 30.3],
    [120.1, 30.2],
  ];
  await ok('admin', 'PUT', `/api/routing/boundaries/${w.units.streetB.id}`, { body: { type: 'Polygon', coordinates: [ring] } });
  await ok('admin', 'PUT', '/api/calendar/days/2026-05-06', { body: { kind: 'holiday', name: '测试假日' } });
  const topic = await ok('supervisor', 'POST', '/api/governance/topics', { body: { title: '安全测试专题' } });
  const linkedTopic = async () => {
    const t = await ok('supervisor', 'POST', '/api/governance/topics', { body: { title: '安全测试专题（关联工单）' } });
    await ok('supervisor', 'POST', `/api/governance/topics/${t.id}/tickets`, { body: { ticketIds: [tA.id] } });
    return t.id as number;
  };
  // A monthly report can be made once its month is over: March's, seen from April.
  if (opts.report) {
    const now = deps.clock.now();
    deps.clock.set('2026-04-02T02:00:00Z');
    await ok('admin', 'POST', '/api/reports/monthly', { body: { month: '2026-03' } });
    deps.clock.set(now);
  }
  // A bad rating of ticket A's round, under verification (rows as the rating command writes them).
  const [rating] = await deps.db
    .insert(citizenRatings)
    .values({ ticketId: tA.id, round: 1, level: 'dissatisfied', comment: '安全测试：不满意', source: 'lookup', unitId: w.units.streetA.id })
    .returning();
  const [verification] = await deps.db.insert(ratingVerifications).values({ ratingId: rating!.id, ticketId: tA.id, unitId: w.units.streetA.id }).returning();
  const presets = await ok('admin', 'GET', '/api/sla/presets');
  const presetName = (presets.items ?? presets)[0].name as string;

  const fx: Fixtures = {
    ticketA: { id: tA.id, number: tA.number, version: tA.version },
    assignmentA: lead.id,
    confidentialA: { id: tC.id, number: tC.number },
    chain: { ticketId: tL.id, number: tL.number, communitySub: held(tL, w.units.communityA.id).id },
    portalTicket: portalTicket.id,
    attachmentA: att.id,
    appealA: appeal.id,
    verificationA: verification!.id,
    alert,
    supervisionItem: item!.id,
    rule: rule.id,
    policy: policy.id,
    kb: kb.id,
    victimUser: victim.id,
    token: token.id,
    boundaryUnit: w.units.streetB.id,
    calendarDay: '2026-05-06',
    template: 'intake_receipt',
    topic: topic.id,
    linkedTopic,
    reportMonth: '2026-03',
    preset: presetName,
    units: { centre: w.units.centre.id, streetA: w.units.streetA.id, streetB: w.units.streetB.id },
    category: w.category.id,
  };

  return {
    database,
    deps,
    api,
    w,
    leaderB,
    fx,
    users,
    recorder,
    send,
    async close() {
      await api.close();
      await database.close();
      fs.rmSync(attachmentsDir, { recursive: true, force: true });
    },
  };
}
