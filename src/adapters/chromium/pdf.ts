/**
 * HTML → PDF through a real Chromium (playwright-core driving CHROMIUM_PATH, the system's or npm's browser:
 * chromium.ts, with a packaged Chinese font when the machine has none).
 * Behind a small interface so the rest of the report code never touches the browser; a missing or broken
 * browser is a logged 503 `pdf_renderer_unavailable`, never a silent failure.
 */
import type { Logger } from 'pino';
import { resolveChromium, type ChromiumLaunch } from './chromium.ts';
import { UnavailableError } from '../../domain/errors.ts';

export interface PdfPrinter {
  /** One A4 PDF of a self-contained HTML page (nothing is fetched); `footer` is plain text, on every page with the page number. */
  print(html: string, opts: { footer: string }): Promise<Buffer>;
  close(): Promise<void>;
}

/** Launches one browser (for one generation); the caller closes it. `chromiumPath`: CHROMIUM_PATH, unset → found. */
export async function launchPrinter(chromiumPath: string | undefined, logger: Logger): Promise<PdfPrinter> {
  let launch: ChromiumLaunch;
  try {
    launch = await resolveChromium(chromiumPath);
  } catch (err) {
    logger.error({ err }, 'PDF rendering needs Chromium');
    throw new UnavailableError('pdf_renderer_unavailable');
  }
  const { chromium } = await import('playwright-core');
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  try {
    browser = await chromium.launch({ executablePath: launch.executablePath, args: launch.args, env: launch.env, timeout: 60_000 });
  } catch (err) {
    logger.error({ err, executablePath: launch.executablePath }, 'PDF rendering: Chromium did not start');
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
          footerTemplate: `<div style="width:100%;font-size:8px;color:#666;text-align:center;font-family:'Noto Sans CJK SC','Noto Sans SC',sans-serif">${opts.footer.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}　第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页</div>`,
        });
      } finally {
        await context.close();
      }
    },
    close: () => browser.close(),
  };
}
