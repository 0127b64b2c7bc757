import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { fileTypeFromFile } from 'file-type';
import { PayloadTooLargeError, ValidationError } from '../errors.ts';

/**
 * What may be attached, by the type its bytes show (never by name or Content-Type): photos, PDFs,
 * call recordings and Office documents. Each with the extensions a file of that type may carry.
 */
export const ALLOWED_TYPES: Record<string, readonly string[]> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'audio/mpeg': ['mp3'],
  'audio/x-m4a': ['m4a'],
  'audio/mp4': ['m4a', 'mp4'],
  'audio/wav': ['wav'],
  'audio/amr': ['amr'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
};

export type Received = { file: string; size: number; sha256: string };

/**
 * Streams a body to a private temporary file, hashing and counting as it goes; past maxBytes it stops
 * with 413 and keeps nothing. Memory stays at one chunk whatever the body's size. The source is not
 * destroyed on overflow (that would reset the connection before the 413 is written); the caller closes
 * the connection after answering.
 */
export async function receive(source: Readable, maxBytes: number, dir = os.tmpdir()): Promise<Received> {
  const file = path.join(dir, `jiesu-upload-${randomUUID()}`);
  const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
  const hash = createHash('sha256');
  let size = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const stop = (err?: unknown) => {
        source.off('data', onData);
        source.off('end', onEnd);
        source.off('error', stop);
        source.off('aborted', onAborted);
        out.off('error', stop);
        if (err) {
          source.resume(); // discard the rest instead of leaving the socket stalled
          reject(err);
        } else resolve();
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return stop(new PayloadTooLargeError());
        hash.update(chunk);
        if (!out.write(chunk)) {
          source.pause();
          out.once('drain', () => source.resume());
        }
      };
      const onEnd = () => stop();
      const onAborted = () => stop(new Error('upload aborted by the client'));
      source.on('data', onData);
      source.once('end', onEnd);
      source.once('error', stop);
      source.once('aborted', onAborted);
      out.once('error', stop);
    });
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    return { file, size, sha256: hash.digest('hex') };
  } catch (err) {
    out.on('error', () => {}); // a write still in flight fails once destroyed: expected, the file is going anyway
    out.destroy();
    await fsp.rm(file, { force: true });
    throw err;
  }
}

/** The sniffed type if it is one we accept, else null. */
export async function sniff(file: string): Promise<{ mime: string; ext: string } | null> {
  const t = await fileTypeFromFile(file);
  return t && Object.hasOwn(ALLOWED_TYPES, t.mime) ? { mime: t.mime, ext: t.ext } : null;
}

const MAX_NAME = 200;

/**
 * The display name from the X-File-Name header (URL-encoded, so any script survives HTTP headers): no
 * folders, no control or bidi-override characters ("gpj.exe" shown as "exe.jpg"), and an extension that
 * matches the content — a PDF named "x.exe" is kept as "x.exe.pdf", so no one opens it as a program.
 */
export function displayName(header: string | undefined, type: { mime: string; ext: string }): string {
  let name = '';
  if (header) {
    try {
      name = decodeURIComponent(header);
    } catch {
      throw new ValidationError([{ path: 'headers.x-file-name', code: 'invalid_format', message: 'X-File-Name must be URL-encoded (encodeURIComponent)' }]);
    }
  }
  name = name
    .split(/[/\\]/)
    .pop()!
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .replace(/^\.+/, '');
  if ([...name].length > MAX_NAME) name = [...name].slice(0, MAX_NAME).join('');
  if (!name) name = 'attachment';
  const ext = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
  const fits = ALLOWED_TYPES[type.mime] ?? [type.ext];
  return ext && fits.includes(ext) ? name : `${name}.${fits[0]}`;
}

/** Content-Disposition for a download: an ASCII fallback (given, or the name with other characters as _) and the exact name as RFC 5987 filename*. */
export function contentDisposition(fileName: string, asciiFallback?: string): string {
  const ascii = (asciiFallback ?? fileName).replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
