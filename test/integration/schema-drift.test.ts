import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/** drizzle-kit generate against a copy of the committed migrations must find nothing to do. */
function pendingMigrations(schemaPath: string): string[] {
  // drizzle-kit resolves paths against the working directory ('./' + path), so keep them relative.
  const tmp = fs.mkdtempSync(path.join(root, 'db', '.drift-out-'));
  fs.cpSync(path.join(root, 'db/migrations'), path.join(tmp, 'migrations'), { recursive: true });
  const config = path.join(tmp, 'drizzle.config.mjs');
  fs.writeFileSync(
    config,
    `export default { dialect: 'postgresql', casing: 'snake_case', schema: ${JSON.stringify(path.relative(root, schemaPath))}, out: ${JSON.stringify(path.relative(root, path.join(tmp, 'migrations')))} };`,
  );
  const before = new Set(fs.readdirSync(path.join(tmp, 'migrations')));
  const out = execFileSync(path.join(root, 'node_modules/.bin/drizzle-kit'), ['generate', '--config', config], { cwd: root, stdio: 'pipe' }).toString();
  // drizzle-kit can print an error and still exit 0: insist on one of its two success lines.
  if (!/No schema changes|Your SQL migration file/.test(out)) throw new Error(`drizzle-kit generate failed:\n${out}`);
  const added = fs.readdirSync(path.join(tmp, 'migrations')).filter((f) => !before.has(f));
  fs.rmSync(tmp, { recursive: true, force: true });
  return added;
}

describe('schema and committed migrations', () => {
  it('agree: generating from the schema yields no new migration', () => {
    expect(pendingMigrations(path.join(root, 'db/schema/index.ts'))).toEqual([]);
  }, 60_000);

  it('a schema change without a migration is detected', () => {
    // A copy of the schema with one extra column must produce a migration: proves the check can fail.
    const tmp = fs.mkdtempSync(path.join(root, 'db/.drift-'));
    try {
      for (const f of fs.readdirSync(path.join(root, 'db/schema'))) fs.copyFileSync(path.join(root, 'db/schema', f), path.join(tmp, f));
      const file = path.join(tmp, 'catalog.ts');
      fs.writeFileSync(
        file,
        fs.readFileSync(file, 'utf8').replace("keywords: text().notNull().default(''),", "keywords: text().notNull().default(''),\n    driftProbe: text(),"),
      );
      expect(pendingMigrations(path.join(tmp, 'index.ts')).some((f) => f.endsWith('.sql'))).toBe(true);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});
