/**
 * Where the project folder is, and whether a module is the one node was started with — alike when run from the
 * TypeScript sources (tsx: `npm run dev`, the CLIs, the tests) and from the server bundle `npm start` runs
 * (src/ops/bundle.ts), where every bundled module shares the bundle's one URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'db', 'migrations'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no jiesu project folder (package.json beside db/migrations) above ${from}`);
  }
}

/** The project folder: package.json, db/migrations, web/dist… */
export const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

/**
 * True in the module node was started with, run from its source (`tsx src/cli/backup.ts`). Never inside a bundle:
 * there every module's URL is the bundle's, so each CLI's "am I the entry?" would say yes at once.
 */
export function isEntry(moduleUrl: string): boolean {
  const arg = process.argv[1];
  return !!arg && moduleUrl.endsWith('.ts') && moduleUrl === pathToFileURL(path.resolve(arg)).href;
}
