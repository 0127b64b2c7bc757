/**
 * A Chinese font for Chromium on a machine without one (no fonts-noto-cjk): Noto Sans SC from the npm package
 * @fontsource/noto-sans-sc, which the web app also serves. Chromium finds system fonts through fontconfig, which
 * reads TrueType/OpenType files only, so the package's WOFF files (simplified-Chinese subset, Latin included;
 * regular and bold) are unwrapped once into OpenType files under the temp folder, beside a fonts.conf that adds
 * them to the machine's own fonts. Chromium embeds only the glyphs a PDF uses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { buildOnce } from './unpack-once.ts';

const require = createRequire(import.meta.url);
const WEIGHTS = { 400: 'Regular', 700: 'Bold' } as const;

/** The folder holding the OpenType files and fonts.conf; point FONTCONFIG_FILE at `${dir}/fonts.conf`. */
export async function cjkFontConfig(): Promise<{ dir: string; fontsConf: string }> {
  const file = (w: number) => require.resolve(`@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-${w}-normal.woff`);
  const version = (JSON.parse(fs.readFileSync(path.join(path.dirname(file(400)), '..', 'package.json'), 'utf8')) as { version: string }).version;
  const target = path.join(os.tmpdir(), `jiesu-fonts-noto-sans-sc-${version}`);
  const dir = await buildOnce(target, async (staging) => {
    for (const [w, style] of Object.entries(WEIGHTS)) {
      fs.writeFileSync(path.join(staging, `NotoSansSC-${style}.otf`), woffToSfnt(fs.readFileSync(file(Number(w)))));
    }
    fs.writeFileSync(path.join(staging, 'fonts.conf'), fontsConf(target));
  });
  return { dir, fontsConf: path.join(dir, 'fonts.conf') };
}

/** The machine's configuration (when it has one) and its usual folders, plus ours; a cache of our own. */
function fontsConf(dir: string): string {
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>/usr/share/fonts</dir>
  <dir>/usr/local/share/fonts</dir>
  <dir>${dir}</dir>
  <cachedir>${dir}/cache</cachedir>
</fontconfig>
`;
}

/** WOFF 1.0 → the OpenType (sfnt) file it wraps: each table inflated, the table directory rebuilt. */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.readUInt32BE(0) !== 0x774f4646) throw new Error('not a WOFF file');
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables = Array.from({ length: numTables }, (_, i) => {
    const o = 44 + i * 20;
    const [tag, offset, compLength, origLength, checksum] = [0, 4, 8, 12, 16].map((k) => woff.readUInt32BE(o + k)) as [number, number, number, number, number];
    const raw = woff.subarray(offset, offset + compLength);
    return { tag, checksum, data: compLength < origLength ? zlib.inflateSync(raw) : raw };
  });
  let entrySelector = 0;
  while (1 << (entrySelector + 1) <= numTables) entrySelector++;
  const searchRange = (1 << entrySelector) * 16;
  const header = Buffer.alloc(12 + 16 * numTables);
  header.writeUInt32BE(flavor, 0);
  header.writeUInt16BE(numTables, 4);
  header.writeUInt16BE(searchRange, 6);
  header.writeUInt16BE(entrySelector, 8);
  header.writeUInt16BE(numTables * 16 - searchRange, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  tables.forEach((t, i) => {
    const o = 12 + i * 16;
    header.writeUInt32BE(t.tag, o);
    header.writeUInt32BE(t.checksum, o + 4);
    header.writeUInt32BE(offset, o + 8);
    header.writeUInt32BE(t.data.length, o + 12);
    const pad = (4 - (t.data.length % 4)) % 4; // tables start on 4-byte boundaries
    parts.push(t.data, Buffer.alloc(pad));
    offset += t.data.length + pad;
  });
  return Buffer.concat(parts);
}
