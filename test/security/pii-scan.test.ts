/**
 * The PII scan over a lived-in world: seeded callers' tickets taken through the whole lifecycle (replied,
 * called back, disputed, closed, repeated, handed down the chain of levels with a sub-reply rejected and sent
 * again, linked to a governance topic, counted in rollups, hotspots and a monthly report), then every GET route ×
 * every subject (the chain's district, community and a sibling community among them) × each seeded ticket, the
 * exports (CSV, the report's PDF and XLSX read back as text), Open311, the public look-up and Socket.IO catch-up.
 * No body may hold a caller's full number, or a confidential caller's name or masked number, for a subject that
 * may not see it (rules in pii-scan.ts); a community sees nothing of its sibling's ticket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../src/domain/tickets/queries.ts';
import ExcelJS from 'exceljs';
import { io as connectClient, type Socket } from 'socket.io-client';
import { apiRoutes } from '../../src/http/routes/index.ts';
import { runMetricsRollup } from '../../src/jobs/metrics-rollup.ts';
import { detectHotspots } from '../../src/domain/hotspots/spike-alerts.ts';
import { driver } from '../setup/db.ts';
import { callBody } from '../setup/world.ts';
import { maskPhoneNumbers } from '../../src/domain/privacy/phone-numbers.ts';
import { CHAIN_SUBJECTS, EXPECTATIONS, SUBJECTS, routeKey, type Subject } from './expectations.ts';
import { CHAIN_MARK, makeSecurityWorld, urlOf, type Req, type SecurityWorld } from './fixtures.ts';
import { IN_TEXT, SEEDED, centreSeesWhole, mask, routeOf, scan } from './pii-scan.ts';

let sw: SecurityWorld;
/** Every seeded caller's ticket: id and number */
const tickets: { id: number; number: string; phone: string }[] = [];
const sockets: Socket[] = [];
/** Every subject the scan reads as: the matrix's, and the chain's levels */
const READERS: Subject[] = [...SUBJECTS, ...CHAIN_SUBJECTS];
/** Free texts of the chain's ticket typed in this file, with the numbers in them */
const SUB_REPLY = `${CHAIN_MARK}：社区已上门核实，物业联系人 ${IN_TEXT.subReply}`;
const SUB_REJECT = `${CHAIN_MARK}：请补充现场照片，可联系 ${IN_TEXT.subReject}`;

beforeAll(async () => {
  sw = await makeSecurityWorld({ realtime: true });
  const ok = async (subject: Subject, method: string, url: string, body?: unknown) => {
    const r = await sw.send(subject, method, url, { body });
    if (r.status >= 300) throw new Error(`${subject} ${method} ${url} → ${r.status} ${r.text}`);
    return r.body;
  };
  const create = (caller: { name: string; phone: string }, over: Record<string, unknown> = {}) =>
    ok('operator', 'POST', '/api/tickets', callBody(sw.fx.category, { caller, ...over }));
  const dispatch = async (v: any, unitId = sw.fx.units.streetA) =>
    ok('dispatcher', 'POST', `/api/tickets/${v.id}/dispatch`, { version: v.version, leadUnitId: unitId });
  const act = async (subject: Subject, v: any, action: string, body: Record<string, unknown> = {}) => {
    const a = v.assignments.findLast((x: { role: string }) => x.role === 'lead');
    return ok(subject, 'POST', `/api/assignments/${a.id}/${action}`, { version: a.version, ...body });
  };
  const review = (subject: Subject, v: any, action: string, body: Record<string, unknown> = {}) =>
    ok(subject, 'POST', `/api/tickets/${v.id}/${action}`, { version: v.version, ...body });

  // The plain caller again: replied, approved, called back dissatisfied → disputed. Phone numbers typed into
  // every free text on the way (the caller's own among them).
  let v = await dispatch(
    await create(SEEDED.plain, {
      title: `${IN_TEXT.title} 反映夜间施工噪音`,
      content: `小区门口夜间施工噪音扰民，邻居电话${IN_TEXT.content}，物业座机${IN_TEXT.contentLandline}，我的电话${SEEDED.plain.phone}`,
    }),
  );
  v = await act('unit_handler@own', v, 'sign');
  v = await act('unit_handler@own', v, 'contact', { method: 'phone', summary: `已拨打 ${IN_TEXT.contact} 联系诉求人` });
  v = await act('unit_handler@own', v, 'note', { text: `物业经理电话 ${IN_TEXT.note}，已约现场` });
  v = await act('unit_handler@own', v, 'reply', { content: `已协调施工单位调整作业时间，施工方电话${IN_TEXT.reply}。` });
  v = await review('dispatcher', v, 'reply/approve', {
    note: `答复可，回访时可联系${IN_TEXT.decision}`,
    publicReply: `已协调施工单位调整作业时间，如有疑问请致电${IN_TEXT.publicReply}。`,
  });
  v = await review('callback_agent', v, 'callback', {
    reached: true,
    solved: 'unsolved',
    satisfaction: 'dissatisfied',
    comment: `诉求人另留号码${IN_TEXT.callback}`,
  });
  tickets.push({ id: v.id, number: v.number, phone: SEEDED.plain.phone });
  // The confidential caller's report (from the fixtures): through to a satisfied callback, closed.
  let c = await ok('dispatcher', 'GET', `/api/tickets/${sw.fx.confidentialA.id}`);
  c = await act('unit_handler@own', c, 'sign');
  c = await act('unit_leader@own', c, 'reply', { content: '经核查，情况属实，已依法处理。' });
  c = await review('dispatcher', c, 'reply/approve');
  c = await review('callback_agent', c, 'callback', { reached: true, solved: 'solved', satisfaction: 'satisfied' });
  // A second confidential ticket that stays with street B.
  const c2 = await dispatch(
    await create(SEEDED.confidential, {
      confidential: true,
      type: 'report',
      content: `举报某餐馆违规经营，举报人电话${SEEDED.confidential.phone}，请保密处理`,
    }),
    sw.fx.units.streetB,
  );
  tickets.push({ id: c.id, number: c.number, phone: SEEDED.confidential.phone }, { id: c2.id, number: c2.number, phone: SEEDED.confidential.phone });
  // A repeat caller: three more calls, one of them dispatched to street B.
  for (let i = 0; i < 3; i++) {
    const r = await create(SEEDED.waiting, { address: '乙区乙街道和平里5号', title: `${IN_TEXT.title} 再次反映噪音` });
    tickets.push({ id: r.id, number: r.number, phone: SEEDED.waiting.phone });
    if (i === 0) {
      // Street B asks to return it: the reason, with a number, waits for the dispatcher.
      // Supervised (督办) first, so it is one of March's typical cases, whose title the report prints.
      const d = await act('unit_handler@other', await dispatch(r, sw.fx.units.streetB), 'sign');
      await ok('supervisor', 'POST', `/api/tickets/${d.id}/supervise`, { version: d.version, reason: `请尽快办理，现场联系人 ${IN_TEXT.supervision}` });
      await act('unit_handler@other', await ok('unit_handler@other', 'GET', `/api/tickets/${d.id}`), 'return', {
        reason: `不属本街道，请联系 ${IN_TEXT.reason} 转办`,
      });
    }
  }
  // The chain's ticket (handed down to community A in the fixtures): the community replies to street A with a
  // number in it, street A rejects the sub-reply with a number in the reason, the community replies again.
  const chain = sw.fx.chain;
  const sub = (v: any) => v.assignments.find((a: { id: number }) => a.id === chain.communitySub);
  let l = await ok('unit_handler@community', 'GET', `/api/tickets/${chain.ticketId}`);
  l = await ok('unit_handler@community', 'POST', `/api/assignments/${chain.communitySub}/reply`, { version: sub(l).version, content: SUB_REPLY });
  l = await ok('unit_handler@own', 'POST', `/api/assignments/${chain.communitySub}/sub-reply/reject`, { version: sub(l).version, reason: SUB_REJECT });
  await ok('unit_handler@community', 'POST', `/api/assignments/${chain.communitySub}/reply`, { version: sub(l).version, content: SUB_REPLY });
  tickets.push(
    { id: sw.fx.ticketA.id, number: sw.fx.ticketA.number, phone: SEEDED.plain.phone },
    { id: sw.fx.portalTicket, number: '', phone: SEEDED.portal.phone },
    { id: chain.ticketId, number: chain.number, phone: SEEDED.chain.phone },
  );
  // Governance: a topic linking the confidential and the repeat tickets, with a note.
  const topic = await ok('supervisor', 'POST', '/api/governance/topics', { title: '重复来电专题' });
  await ok('supervisor', 'POST', `/api/governance/topics/${topic.id}/tickets`, { ticketIds: tickets.map((t) => t.id) });
  // The jobs that feed dashboards, and March's report made again now that the month has all this in it.
  const now = sw.deps.clock.now();
  await runMetricsRollup(sw.deps, now);
  sw.deps.clock.set('2026-04-02T02:00:00Z');
  await detectHotspots(sw.deps, sw.deps.clock.now());
  await ok('admin', 'POST', '/api/reports/monthly', { month: '2026-03' });
  sw.deps.clock.set(now);
}, 120_000);
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await sw?.close();
});

/** More than the matrix's one request per route: each seeded ticket, and the lists' filters. */
function variants(key: string, valid: Req): Req[] {
  const out = [valid];
  const path = key.split(' ')[1]!;
  if (path.startsWith('/api/tickets/:id'))
    for (const t of tickets.filter((x, i) => x.phone !== SEEDED.waiting.phone || tickets.findIndex((y) => y.phone === x.phone) === i))
      out.push({ ...valid, params: { ...valid.params, id: t.id } });
  if (path === '/api/tickets/by-number/:number') for (const t of tickets.filter((x) => x.number)) out.push({ params: { number: t.number } });
  const extra: Record<string, Record<string, string>[]> = {
    'GET /api/tickets': [{ q: '王' }, { q: SEEDED.plain.phone }, { status: 'closed' }, { status: 'awaiting_callback,callback_disputed' }, { mine: 'true' }],
    'GET /api/appeals': [{}],
    'GET /api/metrics': [{ groupBy: 'unit' }, { groupBy: 'channel', period: 'day' }],
    'GET /api/metrics.csv': [{ groupBy: 'unit' }],
    'GET /api/callbacks/queue': [{ overdue: 'true' }],
    'GET /api/hotspots': [{ at: '2026-04-02', repeatMin: '2' }],
    'GET /api/governance/topics': [{ ticketId: String(sw.fx.confidentialA.id) }],
    'GET /api/audit': [{}, { action: 'read_caller_history' }],
    'GET /api/intake/duplicates': [{ address: '乙区乙街道和平里5号' }],
    'GET /api/intake/caller-history': [{ phone: SEEDED.confidential.phone }, { phone: SEEDED.waiting.phone }],
  };
  for (const q of extra[key] ?? []) out.push({ ...valid, query: q });
  return out;
}

describe('every read, as every subject', () => {
  it('GET routes × subjects × seeded tickets answer without a server error', async () => {
    const errors: string[] = [];
    for (const route of apiRoutes.filter((r) => r.method === 'get')) {
      const key = routeKey(route);
      const entry = EXPECTATIONS[key];
      expect(entry, `no expectation for ${key}`).toBeDefined();
      const valid = (await entry!.req?.(sw.fx)) ?? {};
      for (const req of variants(key, valid)) {
        for (const subject of READERS) {
          if (route.access === 'public') sw.deps.clock.advance(61_000);
          const r = await sw.send(subject, 'GET', urlOf(route.path, req), req);
          if (r.status >= 500) errors.push(`${subject} ${urlOf(route.path, req)} → ${r.status}`);
        }
      }
    }
    expect(errors).toEqual([]);
  }, 300_000);

  it('the monthly report’s PDF and XLSX, read back as text (the CSV export is scanned with the reads)', async () => {
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    for (const subject of READERS) {
      const token = subject === 'anonymous' ? undefined : sw.users[subject].token;
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      for (const path of ['/api/reports/monthly/2026-03.pdf', '/api/reports/monthly/2026-03.xlsx']) {
        const r = await fetch(sw.api.base + path, { headers });
        const bytes = Buffer.from(await r.arrayBuffer());
        let text = bytes.toString('latin1');
        if (r.status === 200 && path.endsWith('.pdf')) {
          const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false }).promise;
          text = '';
          for (let i = 1; i <= doc.numPages; i++) {
            const content = await (await doc.getPage(i)).getTextContent();
            text += content.items.map((it) => ('str' in it ? it.str : '')).join('');
          }
          await doc.destroy();
          expect(text.length, 'the PDF has text to scan').toBeGreaterThan(100);
        } else if (r.status === 200) {
          const wb = new ExcelJS.Workbook();
          await wb.xlsx.load(bytes as unknown as ArrayBuffer);
          const cells: string[] = [];
          wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.text ?? '')))));
          text = cells.join('\n');
          expect(cells.length, 'the workbook has cells to scan').toBeGreaterThan(10);
        }
        sw.recorder.record({ subject, method: 'GET', url: path, status: r.status, text });
      }
    }
  }, 120_000);

  it('Open311 and the public look-up, for every seeded ticket', async () => {
    for (const t of tickets.filter((x) => x.number)) {
      for (const path of [`/open311/v2/requests/${t.number}.json`, `/open311/v2/requests/${t.number}.xml`]) {
        const r = await fetch(sw.api.base + path);
        sw.recorder.record({ subject: 'open311', method: 'GET', url: path, status: r.status, text: await r.text() });
      }
      sw.deps.clock.advance(61_000);
      const r = await sw.send('anonymous', 'GET', `/api/public/lookup?${new URLSearchParams({ number: t.number, last4: t.phone.slice(-4) })}`);
      expect(r.status, r.text).toBe(200);
    }
    for (const path of [
      '/open311/v2/requests.json?start_date=2026-03-01T00:00:00Z&end_date=2026-03-31T00:00:00Z',
      '/open311/v2/servicerequestupdates.json?start_date=2026-03-01T00:00:00Z&end_date=2026-03-31T00:00:00Z',
    ]) {
      const r = await fetch(sw.api.base + path);
      sw.recorder.record({ subject: 'open311', method: 'GET', url: path, status: r.status, text: await r.text() });
    }
  }, 60_000);

  it('Socket.IO catch-up from the first event, as every signed-in subject', async () => {
    for (const subject of READERS.filter((s) => s !== 'anonymous') as Exclude<Subject, 'anonymous'>[]) {
      const s = connectClient(sw.api.base, {
        auth: { token: sw.users[subject].token, lastEventId: 0 },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(s);
      const got: string[] = [];
      s.onAny((event: string, ...args: unknown[]) => got.push(`${event} ${JSON.stringify(args)}`));
      await new Promise<void>((resolve, reject) => {
        s.once('caught-up', () => resolve());
        s.once('connect_error', reject);
      });
      s.disconnect();
      sw.recorder.record({ subject, method: 'WS', url: 'catch-up', status: 200, text: got.join('\n') });
    }
  }, 60_000);
});

it('down the chain every level reads the caller and the notes masked; a sibling community and another district read nothing of it', () => {
  const entries = sw.recorder.entries;
  const { ticketId, number } = sw.fx.chain;
  const read = (subject: Subject, url: string) => entries.findLast((e) => e.subject === subject && e.method === 'GET' && e.url === url)!;
  const detail = `/api/tickets/${ticketId}`;
  const events = `${detail}/events`;
  expect(read('dispatcher', detail).text).toContain(SEEDED.chain.phone);
  // District A, street A and community A hold it: the caller, both hand-down notes, the sub-reply and its rejection
  // masked at every level (the scan at the end finds nothing whole).
  const masked = [`区联系人 ${IN_TEXT.handDown}`, `街道联系人 ${IN_TEXT.subHandDown}`, SUB_REPLY].map((t) => maskPhoneNumbers(t, 'partial'));
  for (const subject of ['unit_handler@district', 'unit_handler@own', 'unit_handler@community'] as const) {
    const r = read(subject, detail);
    expect(r.status, subject).toBe(200);
    for (const m of [mask(SEEDED.chain.phone), ...masked]) expect(r.text, `${subject}: ${m}`).toContain(m);
    expect(read(subject, events).text, subject).toContain(maskPhoneNumbers(SUB_REJECT, 'partial'));
  }
  // Its events reach the levels that hold it over Socket.IO, and no one beside them.
  const catchUp = (subject: Subject) => entries.find((e) => e.subject === subject && e.method === 'WS')!.text;
  const aboutIt = new RegExp(`"ticketId":${ticketId}\\b`);
  expect(catchUp('unit_handler@community')).toMatch(aboutIt);
  for (const subject of ['unit_handler@sibling', 'unit_handler@other', 'unit_leader@other'] as const) {
    expect(read(subject, detail).status, subject).toBe(404);
    expect(read(subject, events).status, subject).toBe(404);
    expect(catchUp(subject), subject).not.toMatch(aboutIt);
    // (A number the subject asked for itself comes back in its 404's `instance`: that is no trace.)
    const traces = [CHAIN_MARK, number, mask(SEEDED.chain.phone), SEEDED.chain.name];
    const seen = entries.filter((e) => e.subject === subject && traces.some((x) => e.text.includes(x) && !e.url.includes(x)));
    expect(
      seen.map((e) => `${e.url} → ${e.status}`),
      subject,
    ).toEqual([]);
  }
});

it('no response, export or event leaked a caller’s number or a confidential caller', () => {
  const entries = sw.recorder.entries;
  // The scan has something to find: the centre's detail view holds the full number, a unit's list the masked one.
  expect(entries.some((e) => e.subject === 'dispatcher' && e.url === `/api/tickets/${sw.fx.ticketA.id}` && e.text.includes(SEEDED.plain.phone))).toBe(true);
  expect(entries.some((e) => e.subject === 'unit_handler@own' && e.text.includes(mask(SEEDED.plain.phone)))).toBe(true);
  expect(entries.some((e) => e.subject === 'supervisor' && e.text.includes(SEEDED.confidential.name))).toBe(true);
  // Every number typed into free text reached a centre role whole where it reads one ticket, and a unit masked.
  const centre = entries.filter((e) => ['dispatcher', 'supervisor', 'callback_agent'].includes(e.subject) && centreSeesWhole(routeOf(e.method, e.url) ?? ''));
  for (const n of Object.values(IN_TEXT))
    expect(
      centre.some((e) => e.text.includes(n)),
      n,
    ).toBe(true);
  expect(entries.some((e) => e.subject === 'unit_handler@own' && e.text.includes('邻居电话159****4321，物业座机(****)**** 4321'))).toBe(true);
  expect(entries.some((e) => e.subject === 'unit_handler@other' && e.text.includes('请联系 ****-****0000 转办'))).toBe(true);
  expect(entries.some((e) => e.subject === 'dispatcher' && e.url.startsWith('/api/tickets?') && e.text.includes('136 **** 0404'))).toBe(true);
  expect(entries.some((e) => e.subject === 'supervisor' && e.url.startsWith('/api/sla/supervision') && e.text.includes('现场联系人 ****-****7777'))).toBe(true);
  // The report's typical case prints the title with the number gone, for whoever reads it.
  expect(entries.some((e) => e.subject === 'supervisor' && e.url === '/api/reports/monthly/2026-03' && e.text.includes('**** 再次反映噪音'))).toBe(true);
  expect(scan(entries)).toEqual([]);
  const subjects = new Set(entries.map((e) => e.subject));
  const { bodies, bytes } = sw.recorder.size;
  console.log(
    `[security] PII scan (${driver}): ${bodies} bodies (${bytes} bytes) from ${subjects.size} kinds of caller scanned for ${Object.keys(SEEDED).length} seeded callers, 0 leaks`,
  );
});

/**
 * Where a seeded caller's number or name was typed into free text by this file: the caller's own words, kept as
 * typed (a title left empty is the content's first 30 characters), masked on the way out as the reads above check.
 */
const TYPED_AS_TEXT = new Set(['tickets.title', 'tickets.content', 'tickets.search_terms', 'contacts.content']);

it("the database holds no seeded caller's number or name in plain text outside the texts it was typed into", async () => {
  const columns = rowsOf<{ t: string; c: string }>(
    await sw.deps.db.execute(sql`
      select c.table_name as t, c.column_name as c from information_schema.columns c
      join pg_class k on k.relname = c.table_name and k.relnamespace = 'public'::regnamespace
      where c.table_schema = 'public' and k.relkind in ('r', 'p') and not k.relispartition
        and c.data_type in ('text', 'character varying', 'jsonb', 'json')`),
  );
  expect(columns.length).toBeGreaterThan(50);
  const secrets = Object.values(SEEDED).flatMap((c) => [c.phone, c.name]);
  const hits: string[] = [];
  for (const { t, c } of columns) {
    const [row] = rowsOf<{ n: number }>(
      await sw.deps.db.execute(
        sql`select count(*)::int as n from ${sql.identifier(t)} where ${sql.identifier(c)}::text like any(array[${sql.join(
          secrets.map((x) => sql`${`%${x}%`}`),
          sql`, `,
        )}])`,
      ),
    );
    if (row!.n > 0) hits.push(`${t}.${c}`);
  }
  expect(hits.filter((h) => !TYPED_AS_TEXT.has(h))).toEqual([]);
  // The scan can find a number: the caller's own words that carry it are kept as typed.
  expect(hits).toContain('tickets.content');
  // And the callers' columns are sealed: SM4 ciphertext in every filled caller number.
  const [sealed] = rowsOf<{ n: number; all: number }>(
    await sw.deps.db.execute(sql`select count(*) filter (where caller_phone like 'sm4:%')::int as n, count(caller_phone)::int as all from tickets`),
  );
  expect(sealed!.n).toBe(sealed!.all);
});
