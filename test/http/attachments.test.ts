import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { attachments, auditLog } from '../../db/schema/index.ts';
import type { TestUser } from '../setup/world.ts';
import { expectProblem, leadOf, type View } from '../setup/ticket-flow.ts';
import { EXE, PDF, PNG, docx, wav, zip } from '../setup/files.ts';
import { api, database, deps, flow, useApiWorld, w } from './api-world.ts';

const T0 = '2026-03-10T02:00:00.000Z';
const MAX = 64 * 1024;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-attachments-'));

// registered before the world's own afterAll, so it runs after it (vitest runs afterAll hooks in reverse order)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
useApiWorld({ config: { ATTACHMENT_MAX_BYTES: MAX, ATTACHMENTS_DIR: dir } });
beforeEach(() => deps.clock.set(T0));

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every file under the storage folder (the bytes actually kept). */
function storedFiles(): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

type Res = { status: number; body: any; headers: Headers };
async function asRes(res: Response): Promise<Res> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

/** POST the raw bytes, as a browser's fetch(file) would. */
async function upload(
  user: TestUser,
  ticketId: number,
  bytes: Buffer | ReadableStream<Uint8Array>,
  opts: { name?: string; type?: string; query?: string; rawName?: string } = {},
): Promise<Res> {
  const headers: Record<string, string> = { authorization: `Bearer ${user.token}`, 'content-type': opts.type ?? 'application/octet-stream' };
  if (opts.rawName !== undefined) headers['x-file-name'] = opts.rawName;
  else if (opts.name !== undefined) headers['x-file-name'] = encodeURIComponent(opts.name);
  const init: RequestInit & { duplex?: 'half' } = { method: 'POST', headers, body: bytes as RequestInit['body'] };
  if (!Buffer.isBuffer(bytes)) init.duplex = 'half';
  return asRes(await fetch(`${api.base}/api/tickets/${ticketId}/attachments${opts.query ? `?${opts.query}` : ''}`, init));
}

async function download(user: TestUser, id: number): Promise<{ status: number; bytes: Buffer; headers: Headers; body: any }> {
  const res = await fetch(`${api.base}/api/attachments/${id}`, { headers: { authorization: `Bearer ${user.token}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  let body: unknown = null;
  if (res.headers.get('content-type')?.includes('json')) body = JSON.parse(bytes.toString('utf8'));
  return { status: res.status, bytes, headers: res.headers, body };
}

const list = (user: TestUser, ticketId: number) => api.call('GET', `/api/tickets/${ticketId}/attachments`, { token: user.token });
const rowsOf = (ticketId: number) => deps.db.select().from(attachments).where(eq(attachments.ticketId, ticketId));

describe('upload and download', () => {
  it('an operator attaches a PNG: stored with its sha256, size and sniffed type; the download is the same bytes', async () => {
    const v = await flow.create();
    const r = await upload(w.operator, v.id, PNG, { name: '现场照片 (1).png', type: 'image/png' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      ticketId: v.id,
      assignmentId: null,
      kind: 'document',
      fileName: '现场照片 (1).png',
      mimeType: 'image/png',
      size: PNG.length,
      sha256: sha256(PNG),
      uploadedBy: { id: w.operator.id, role: 'operator' },
    });
    expect(r.headers.get('location')).toBe(`/api/attachments/${r.body.id}`);

    const [row] = await rowsOf(v.id);
    expect(row).toMatchObject({ size: PNG.length, sha256: sha256(PNG), mimeType: 'image/png', uploadedBy: w.operator.id });
    // The key is random, never the user's file name; the bytes on disk are the upload.
    expect(row!.storageKey).toMatch(/^[0-9a-f]{2}\/[0-9a-f-]{36}$/);
    expect(fs.readFileSync(path.join(dir, row!.storageKey)).equals(PNG)).toBe(true);

    const d = await download(w.dispatcher, r.body.id);
    expect(d.status).toBe(200);
    expect(d.bytes.equals(PNG)).toBe(true);
    expect(d.headers.get('content-type')).toBe('image/png');
    expect(d.headers.get('content-length')).toBe(String(PNG.length));
    expect(d.headers.get('x-content-type-options')).toBe('nosniff');
    expect(d.headers.get('content-disposition')).toBe(
      `attachment; filename="____ (1).png"; filename*=UTF-8''${encodeURIComponent('现场照片 ').replace(/'/g, '%27')}%281%29.png`,
    );

    const l = await list(w.operator, v.id);
    expect(l.status).toBe(200);
    expect(l.body.items).toEqual([r.body]);

    // One event, and the ticket's version moves with it.
    const events = (await api.call('GET', `/api/tickets/${v.id}/events`, { token: w.dispatcher.token })).body.items;
    expect(events.map((e: any) => [e.type, e.version])).toEqual([
      ['ticket_created', 1],
      ['attachment_added', 2],
    ]);
    expect(events[1].payload).toMatchObject({ attachmentId: r.body.id, fileName: '现场照片 (1).png', mimeType: 'image/png', size: PNG.length });
    expect((await flow.get(w.operator, v.id)).version).toBe(2);

    // Each download is audited.
    const audits = await deps.db.select().from(auditLog).where(eq(auditLog.action, 'attachment_downloaded'));
    expect(audits.filter((a) => a.targetId === String(r.body.id)).map((a) => a.userId)).toEqual([w.dispatcher.id]);
  });

  it('a unit attaches a PDF as evidence to its own live assignment, whatever Content-Type it claims', async () => {
    const v = await flow.dispatched();
    const r = await upload(w.handlerA, v.id, PDF, { name: '整改通知书.pdf', type: 'application/octet-stream' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ kind: 'evidence', assignmentId: leadOf(v).id, mimeType: 'application/pdf', size: PDF.length, sha256: sha256(PDF) });
    const d = await download(w.handlerA, r.body.id);
    expect(d.bytes.equals(PDF)).toBe(true);
    // The centre reads it too.
    expect((await download(w.supervisor, r.body.id)).bytes.equals(PDF)).toBe(true);
  });

  it('accepts an Office document (DOCX) and refuses a plain ZIP', async () => {
    const v = await flow.create();
    const ok = await upload(w.clerk, v.id, docx(), { name: '材料清单.docx' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.mimeType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expectProblem(await upload(w.clerk, v.id, zip({ 'a.txt': 'hello' }), { name: '材料.docx' }), 415, 'attachment_type_refused');
  });

  it('explicit kind and assignment: a dispatcher files a document under an assignment of the ticket, not under another ticket’s', async () => {
    const v = await flow.dispatched();
    const other = await flow.dispatched();
    const r = await upload(w.dispatcher, v.id, PNG, { name: 'a.png', query: `kind=evidence&assignmentId=${leadOf(v).id}` });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: 'evidence', assignmentId: leadOf(v).id });
    expectProblem(await upload(w.dispatcher, v.id, PNG, { name: 'a.png', query: `assignmentId=${leadOf(other).id}` }), 422, 'assignment_not_on_ticket');
    expectProblem(await upload(w.dispatcher, v.id, PNG, { name: 'a.png', query: 'kind=photo' }), 400, 'validation_failed');
  });
});

describe('the API document', () => {
  it('describes the upload body as raw bytes, not JSON', async () => {
    const doc = (await api.call('GET', '/api/openapi.json')).body;
    const op = doc.paths['/api/tickets/{id}/attachments'].post;
    expect(Object.keys(op.requestBody.content)).toContain('application/octet-stream');
    expect(op.requestBody.content['application/octet-stream'].schema).toEqual({ type: 'string', format: 'binary' });
    expect(op.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['id', 'kind', 'assignmentId', 'X-File-Name']));
    expect(doc.paths['/api/attachments/{id}'].get['x-access']).not.toContain('intake_client');
  });
});

describe('limits checked by content', () => {
  it('an executable renamed .jpg (and sent as image/jpeg) is refused with 415; nothing is kept', async () => {
    const v = await flow.create();
    const before = storedFiles();
    const r = await upload(w.operator, v.id, EXE, { name: 'photo.jpg', type: 'image/jpeg' });
    expectProblem(r, 415, 'attachment_type_refused');
    expect(await rowsOf(v.id)).toEqual([]);
    expect(storedFiles()).toEqual(before);
    // Text, and an empty body, are not files we take either.
    expectProblem(await upload(w.operator, v.id, Buffer.from('just some text'), { name: 'a.pdf', type: 'application/pdf' }), 415, 'attachment_type_refused');
    expectProblem(await upload(w.operator, v.id, Buffer.alloc(0), { name: 'a.pdf' }), 415, 'attachment_type_refused');
    // Claimed as JSON, the body still reaches the upload untouched (the JSON parser once ate it and the
    // upload waited forever): JSON text is refused for what it is, and a PDF sent as JSON is kept.
    expectProblem(await upload(w.operator, v.id, Buffer.from('{"a":1}'), { name: 'a.json', type: 'application/json' }), 415, 'attachment_type_refused');
    expectProblem(await upload(w.operator, v.id, Buffer.alloc(0), { name: 'a.json', type: 'application/json' }), 415, 'attachment_type_refused');
    const pdf = await upload(w.operator, v.id, PDF, { name: 'b.pdf', type: 'application/json' });
    expect(pdf.status, JSON.stringify(pdf.body)).toBe(201);
    expect(pdf.body).toMatchObject({ mimeType: 'application/pdf', size: PDF.length, sha256: sha256(PDF) });
  });

  it('a body over ATTACHMENT_MAX_BYTES is refused with 413, whether announced by Content-Length or streamed chunked', async () => {
    const v = await flow.create();
    const before = storedFiles();
    const big = Buffer.concat([PNG, Buffer.alloc(MAX)]);
    expectProblem(await upload(w.operator, v.id, big, { name: 'big.png' }), 413, 'payload_too_large');

    // No Content-Length: the limit is enforced while the bytes stream in.
    const chunks = [PNG, ...Array.from({ length: 20 }, () => Buffer.alloc(8 * 1024))];
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = chunks.shift();
        if (next) c.enqueue(next);
        else c.close();
      },
    });
    expectProblem(await upload(w.operator, v.id, stream, { name: 'big.png' }), 413, 'payload_too_large');
    expect(await rowsOf(v.id)).toEqual([]);
    expect(storedFiles()).toEqual(before);

    // Exactly at the limit is fine.
    const atLimit = Buffer.concat([PNG, Buffer.alloc(MAX - PNG.length)]);
    const ok = await upload(w.operator, v.id, atLimit, { name: 'max.png' });
    expect(ok.status).toBe(201);
    expect(ok.body.size).toBe(MAX);
  });

  it("the stored name never misleads: folders stripped, and an extension that doesn't match the content gets the right one", async () => {
    const v = await flow.create();
    const r = await upload(w.operator, v.id, PDF, { name: '..\\..\\windows\\evil.exe' });
    expect(r.status).toBe(201);
    expect(r.body.fileName).toBe('evil.exe.pdf');
    const bidi = await upload(w.operator, v.id, PNG, { name: 'report\u202Egnp.exe' });
    expect(bidi.body.fileName).toBe('reportgnp.exe.png');
    const unnamed = await upload(w.operator, v.id, PNG, {});
    expect(unnamed.body.fileName).toBe('attachment.png');
    expectProblem(await upload(w.operator, v.id, PNG, { rawName: '%E4%B8' }), 400, 'validation_failed');
  });
});

describe('who may', () => {
  let v: View;
  let attachmentId: number;
  beforeEach(async () => {
    v = await flow.dispatched();
    const r = await upload(w.handlerA, v.id, PNG, { name: 'evidence.png' });
    expect(r.status).toBe(201);
    attachmentId = r.body.id;
  });

  it("another unit's user gets 404 on upload, list and download, as for the ticket itself", async () => {
    expectProblem(await upload(w.handlerB, v.id, PNG, { name: 'x.png' }), 404, 'ticket_not_found');
    expectProblem(await list(w.handlerB, v.id), 404, 'ticket_not_found');
    const d = await download(w.handlerB, attachmentId);
    expect({ status: d.status, code: d.body?.code }).toEqual({ status: 404, code: 'attachment_not_found' });
    // …the same answer as for an attachment that does not exist.
    const missing = await download(w.handlerB, 2_000_000_000);
    expect({ status: missing.status, code: missing.body?.code }).toEqual({ status: 404, code: 'attachment_not_found' });
    expect(await rowsOf(v.id)).toHaveLength(1);
  });

  it('a parent unit reads the files but, holding no assignment, may not attach (403); other centre roles may not attach', async () => {
    expect((await list(w.handlerDistrictA, v.id)).body.items.map((a: any) => a.id)).toEqual([attachmentId]);
    expect((await download(w.handlerDistrictA, attachmentId)).bytes.equals(PNG)).toBe(true);
    expectProblem(await upload(w.handlerDistrictA, v.id, PNG, { name: 'x.png' }), 403, 'attachment_not_allowed');
    expectProblem(await upload(w.supervisor, v.id, PNG, { name: 'x.png' }), 403, 'forbidden');
    expectProblem(await upload(w.callbackAgent, v.id, PNG, { name: 'x.png' }), 403, 'forbidden');
    // Portals see a ticket's public side only, not its case files.
    expectProblem(await list(w.portal, v.id), 403, 'forbidden');
    expect(await rowsOf(v.id)).toHaveLength(1);
  });

  it('a unit whose assignment has ended may no longer attach', async () => {
    let t = await flow.assignment(w.handlerA, v, leadOf(v), 'sign');
    t = await flow.assignment(w.handlerA, t, leadOf(t), 'return', { reason: '该地址属于乙街道辖区' });
    t = await flow.ticket(w.dispatcher, t, 'return/approve');
    expectProblem(await upload(w.handlerA, v.id, PNG, { name: 'late.png' }), 403, 'attachment_not_allowed');
    // It can still read what it attached.
    expect((await download(w.handlerA, attachmentId)).status).toBe(200);
  });
});

describe('call recordings and the caller’s privacy', () => {
  it('a unit hears a recording only where it may see the caller in full', async () => {
    const masked = await flow.dispatched(); // default: no direct contact → the unit sees a masked number
    const open = await flow.ticket(w.dispatcher, await flow.create({ allowDirectContact: true }), 'dispatch', { leadUnitId: w.units.streetA.id });
    const recording = wav();
    const onMasked = await upload(w.operator, masked.id, recording, { name: '来电录音.wav' });
    const onOpen = await upload(w.operator, open.id, recording, { name: '来电录音.wav' });
    expect([onMasked.status, onOpen.status]).toEqual([201, 201]);
    expect(onMasked.body.mimeType).toBe('audio/wav');

    expect((await list(w.handlerA, masked.id)).body.items).toEqual([]);
    expect((await download(w.handlerA, onMasked.body.id)).status).toBe(404);
    expect((await list(w.handlerA, open.id)).body.items.map((a: any) => a.id)).toEqual([onOpen.body.id]);
    expect((await download(w.handlerA, onOpen.body.id)).bytes.equals(recording)).toBe(true);
    // The centre always can.
    expect((await download(w.dispatcher, onMasked.body.id)).bytes.equals(recording)).toBe(true);
  });
});

describe('atomicity', () => {
  it('when the database write fails, the stored bytes are removed again', async () => {
    const v = await flow.create();
    const before = storedFiles();
    await database.query(`create function jiesu_test_refuse() returns trigger language plpgsql as $$ begin raise exception 'refused by test'; end $$`);
    await database.query(`create trigger jiesu_test_refuse before insert on attachments for each row execute function jiesu_test_refuse()`);
    try {
      const r = await upload(w.operator, v.id, PNG, { name: 'a.png' });
      expectProblem(r, 500, 'internal_error');
    } finally {
      await database.query('drop trigger jiesu_test_refuse on attachments');
      await database.query('drop function jiesu_test_refuse()');
    }
    expect(storedFiles()).toEqual(before);
    expect(await rowsOf(v.id)).toEqual([]);
    const events = (await api.call('GET', `/api/tickets/${v.id}/events`, { token: w.dispatcher.token })).body.items;
    expect(events.map((e: any) => e.type)).toEqual(['ticket_created']);
  });
});
