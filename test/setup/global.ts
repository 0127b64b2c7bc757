import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { connect, migrate } from '../../db/client.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: path of a dump of a freshly migrated database */
    pgliteTemplate: string;
    /** PostgreSQL: name of the migrated template database */
    pgTemplate: string;
  }
}

export const PG_TEMPLATE = 'jiesu_test_template';

/**
 * Migrates once per run: on PostgreSQL into a template database that each test file clones; on PGlite
 * into a data dump that each test file loads. Tests never share rows.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    // Names carry this run's id, so concurrent runs against one server never touch each other's databases.
    const template = `${PG_TEMPLATE}_${process.pid}`;
    const admin = await connect({ url, max: 1 });
    await admin.query(`drop database if exists "${template}" with (force)`);
    await admin.query(`create database "${template}"`);
    await admin.close();
    const templateUrl = withDatabase(url, template);
    const db = await connect({ url: templateUrl, max: 1 });
    await migrate(db, templateUrl);
    await db.close();
    project.provide('pgTemplate', template);
    project.provide('pgliteTemplate', '');
    return async () => {
      const a = await connect({ url, max: 1 });
      const mine = await a.query<{ datname: string }>(`select datname from pg_database where datname like $1 or datname = $2`, [
        `jiesu_t_${process.pid}_%`,
        template,
      ]);
      for (const { datname } of mine) await a.query(`drop database if exists "${datname}" with (force)`);
      await a.close();
    };
  }
  const db = await connect();
  await migrate(db);
  const file = path.join(os.tmpdir(), `jiesu-template-${process.pid}.tar.gz`);
  const blob = await dumpPglite(db);
  fs.writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
  await db.close();
  project.provide('pgliteTemplate', file);
  project.provide('pgTemplate', '');
  return () => fs.rmSync(file, { force: true });
}

async function dumpPglite(db: Awaited<ReturnType<typeof connect>>): Promise<Blob> {
  if (!db.dump) throw new Error('PGlite dump not available');
  return db.dump();
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
