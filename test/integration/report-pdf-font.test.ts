/**
 * The report's PDF carries its Chinese in an embedded CJK font on any machine: the machine's own (fonts-noto-cjk)
 * or the packaged Noto Sans SC that src/adapters/chromium/cjk-font.ts hands to fontconfig when it has none. Without a font that
 * has the glyphs, Chromium embeds no Chinese-capable font at all (and prints empty boxes or nothing).
 */
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { launchPrinter } from '../../src/adapters/chromium/pdf.ts';
import { woffToSfnt } from '../../src/adapters/chromium/cjk-font.ts';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const TEXT = '江州市12345热线月度分析报告：受理量、按时办结率、满意率';

describe('PDF fonts', () => {
  it('embeds a CJK font subset for the Chinese text, and the text reads back', { timeout: 120_000 }, async () => {
    const printer = await launchPrinter(undefined, pino({ level: 'silent' }));
    let pdf: Buffer;
    try {
      pdf = await printer.print(`<!doctype html><html lang="zh-CN"><body><h1>${TEXT}</h1><p><b>加粗：督办</b></p></body></html>`, { footer: '测试' });
    } finally {
      await printer.close();
    }
    const raw = pdf.toString('latin1');
    // Font names from the font dictionaries and descriptors (Skia writes a CFF font such as Noto Sans CJK as Type 3 glyph procedures, with a descriptor).
    const fonts = [...raw.matchAll(/\/(?:BaseFont|FontName)\s*\/([\w+-]+)/g)].map((m) => m[1]!);
    expect(
      fonts.some((f) => /NotoSans(CJK|SC)|SourceHanSans/i.test(f)),
      `fonts in the PDF: ${fonts.join(', ')}`,
    ).toBe(true);
    // Subsets only (ABCDEF+Name): Chromium embeds the glyphs used, not the whole font.
    expect(fonts.every((f) => /^[A-Z]{6}\+/.test(f))).toBe(true);
    expect(pdf.length).toBeLessThan(200_000);

    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, useSystemFonts: false }).promise;
    const content = await (await doc.getPage(1)).getTextContent();
    // NFKC: Noto Sans CJK's ToUnicode maps some ideographs to their Kangxi-radical twins (⽉ for 月).
    const text = content.items
      .map((i) => ('str' in i ? i.str : ''))
      .join('')
      .normalize('NFKC');
    expect(text).toContain(TEXT.normalize('NFKC'));
    expect(text).toMatch(/第\s*1\s*\S\s*\/\s*共\s*1/); // the footer (页 may read back as its radical twin ⻚)
  });

  it('unwraps the packaged WOFF into an OpenType file fontconfig can read', () => {
    const file = createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-400-normal.woff');
    const otf = woffToSfnt(fs.readFileSync(file));
    expect(otf.readUInt32BE(0)).toBe(0x00010000); // TrueType-flavoured OpenType, as the WOFF said
    const numTables = otf.readUInt16BE(4);
    const tags = Array.from({ length: numTables }, (_, i) => otf.subarray(12 + i * 16, 16 + i * 16).toString('latin1'));
    expect(tags).toEqual(expect.arrayContaining(['cmap', 'glyf', 'loca', 'name', 'OS/2']));
    // every table lies inside the file
    for (let i = 0; i < numTables; i++) expect(otf.readUInt32BE(12 + i * 16 + 8) + otf.readUInt32BE(12 + i * 16 + 12)).toBeLessThanOrEqual(otf.length);
  });
});
