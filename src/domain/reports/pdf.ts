/**
 * HTML → PDF through a real Chromium (playwright-core driving the system's browser, CHROMIUM_PATH).
 * Behind a small interface so the rest of the report code never touches the browser; a missing or broken
 * browser is a logged 503 `pdf_renderer_unavailable`, never a silent failure.
 */
import fs from 'node:fs';
import type { Logger } from 'pino';
import { UnavailableError } from '../errors.ts';

export interface PdfPrinter {
  /** One A4 PDF of a self-contained HTML page (nothing is fetched); `footer` is plain text, on every page with the page number. */
  print(html: string, opts: { footer: string }): Promise<Buffer>;
  close(): Promise<void>;
}

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches one browser (for one generation); the caller closes it. */
export async function launchPrinter(executablePath: string, logger: Logger): Promise<PdfPrinter> {
  if (!fs.existsSync(executablePath)) {
    logger.error({ executablePath }, 'PDF rendering needs Chromium: no browser at CHROMIUM_PATH (apt-get install chromium fonts-noto-cjk)');
    throw new UnavailableError('pdf_renderer_unavailable');
  }
  const { chromium } = await import('playwright-core');
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  try {
    browser = await chromium.launch({ executablePath, args: ARGS, timeout: 60_000 });
  } catch (err) {
    logger.error({ err, executablePath }, 'PDF rendering: Chromium did not start');
    throw new UnavailableError('pdf_renderer_unavailable');
  }
  return {
    async print(html, opts) {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      try {
        const page = await context.newPage();
        await page.setContent(html, { waitUntil: 'load' });
        await page.emulateMedia({ media: 'print' });
        return await page.pdf({
          format: 'A4',
          printBackground: true,
          preferCSSPageSize: true,
          displayHeaderFooter: true,
          headerTemplate: '<span></span>',
          footerTemplate: `<div style="width:100%;font-size:8px;color:#666;text-align:center;font-family:'Noto Sans CJK SC',sans-serif">${opts.footer.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}　第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>`,
        });
      } finally {
        await context.close();
      }
    },
    close: () => browser.close(),
  };
}
