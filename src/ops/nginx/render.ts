/**
 * Fills src/ops/nginx/jiesu.conf's placeholders: the listen address, one `server` line per app instance and
 * client_max_body_size from ATTACHMENT_MAX_BYTES (plus 1 MiB of headroom: the app answers its own 413).
 *
 *   npx tsx src/ops/nginx/render.ts --listen 80 --upstream 127.0.0.1:3001 --upstream 127.0.0.1:3002
 */
import fs from 'node:fs';
import path from 'node:path';
import { isEntry, ROOT } from '../../runtime.ts';

export const NGINX_TEMPLATE = path.join(ROOT, 'src', 'ops', 'nginx', 'jiesu.conf');
const HEADROOM_BYTES = 1024 * 1024;

export type NginxSite = {
  /** what `listen` gets: a port, or address:port */
  listen: string | number;
  /** host:port of every instance */
  upstreams: string[];
  /** ATTACHMENT_MAX_BYTES of the instances */
  attachmentMaxBytes: number;
};

export function renderNginxSite(site: NginxSite, template = fs.readFileSync(NGINX_TEMPLATE, 'utf8')): string {
  if (site.upstreams.length === 0) throw new Error('at least one upstream instance');
  for (const u of site.upstreams) if (!/^[\w.-]+:\d{1,5}$|^unix:\S+$/.test(u)) throw new Error(`not host:port: ${u}`);
  const servers = site.upstreams.map((u) => `  server ${u} max_fails=2 fail_timeout=5s;`).join('\n');
  const out = template
    .replaceAll('{{UPSTREAM_SERVERS}}', servers)
    .replaceAll('{{LISTEN}}', String(site.listen))
    .replaceAll('{{CLIENT_MAX_BODY_SIZE}}', String(site.attachmentMaxBytes + HEADROOM_BYTES));
  const left = /\{\{\w+\}\}/.exec(out);
  if (left) throw new Error(`placeholder left in the template: ${left[0]}`);
  return out;
}

if (isEntry(import.meta.url)) {
  const args = process.argv.slice(2);
  const values = (flag: string) => args.flatMap((a, i) => (a === flag && args[i + 1] ? [args[i + 1]!] : []));
  const { loadConfig } = await import('../../config.ts');
  process.stdout.write(
    renderNginxSite({
      listen: values('--listen')[0] ?? '80',
      upstreams: values('--upstream'),
      attachmentMaxBytes: loadConfig().ATTACHMENT_MAX_BYTES,
    }),
  );
}
