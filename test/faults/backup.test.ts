/**
 * Backup and restore of the embedded database, as docs/operations.md tells an operator to do it:
 * `npm run db:backup` (dumpDataDir) and `db:restore` into a new folder, and a plain copy of the stopped app's
 * folder: both open with the same tickets. The PostgreSQL round trip (pg_dump/pg_restore, which no npm package
 * ships) is test/faults/pg-dump.test.ts, run by `npm run test:debian`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connect, migrate } from '../../db/client.ts';
import { backupPglite, restorePglite } from '../../src/cli/backup.ts';
import { expectAuditAppendOnly, makeTickets, readBack } from './backup-fixture.ts';

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

describe('PGlite: db:backup / db:restore, and a copy of the stopped folder', () => {
  it('both open with the same tickets, and the audit log stays append-only with its chain intact', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jiesu-backup-'));
    cleanup.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const live = path.join(tmp, 'data');
    // Start from the run's migrated template when there is one (PGlite pass): migrating from scratch is slow.
    const template = inject('pgliteTemplate');
    const source = await connect({ dataDir: live, ...(template ? { loadDataDir: new Blob([fs.readFileSync(template)]) } : {}) });
    if (!template) await migrate(source);
    const { w, ids, views, chain } = await makeTickets(source);

    // While the app (here: this connection) holds the folder, a backup refuses rather than read a live folder.
    await expect(backupPglite(live, path.join(tmp, 'refused.tar.gz'))).rejects.toThrow(/in use by another jiesu process/);
    await source.close();

    const file = path.join(tmp, 'jiesu-backup.tar.gz');
    const { bytes } = await backupPglite(live, file);
    expect(bytes).toBeGreaterThan(1000);
    const restoredDir = path.join(tmp, 'restored');
    await restorePglite(file, restoredDir);
    await expect(restorePglite(file, restoredDir)).rejects.toThrow(/not empty/);

    const copyDir = path.join(tmp, 'copied');
    fs.cpSync(live, copyDir, { recursive: true });

    for (const dir of [restoredDir, copyDir]) {
      const db = await connect({ dataDir: dir });
      try {
        expect(await readBack(db, w, ids)).toEqual(views);
        await expectAuditAppendOnly(db, chain);
      } finally {
        await db.close();
      }
    }
  }, 120_000);
});
