import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import madge from 'madge';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * What `npx madge --circular --extensions ts --ts-config tsconfig.json src web/src db` does: every import
 * counts — `import type`, `import('…').T` in a type position and dynamic `import()` alike — because a cycle
 * closed by a type still ties the two modules' meaning together.
 */
const options: madge.MadgeConfig = {
  baseDir: root,
  fileExtensions: ['ts'],
  tsConfig: path.join(root, 'tsconfig.json'),
  detectiveOptions: { ts: { skipTypeImports: false, skipAsyncImports: false } },
};

describe('module graph', () => {
  it('src, web/src and db import one another without a cycle, type imports included', { timeout: 120_000 }, async () => {
    const graph = await madge(
      ['src', 'web/src', 'db'].map((d) => path.join(root, d)),
      options,
    );
    expect(graph.circular()).toEqual([]);
    // The graph is the real one: every local import resolved, and the composition root's edges are in it.
    expect(graph.warnings().skipped).toEqual([]);
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(200);
    expect(graph.obj()['src/main.ts']).toEqual(expect.arrayContaining(['src/config.ts', 'src/deps.ts', 'src/realtime/server.ts']));
  });

  const tmp: string[] = [];
  afterAll(() => Promise.all(tmp.map((d) => fs.rm(d, { recursive: true, force: true }))));

  it('sees a cycle that only a type closes: `import type` or `import(…)` in a type position', { timeout: 60_000 }, async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jiesu-cycle-'));
    tmp.push(dir);
    const files = {
      'settings.ts': "import { build } from './gateway.ts';\nexport type Settings = { name: 'a' };\nexport const made = build;\n",
      'gateway.ts': "import type { Settings } from './settings.ts';\nexport const build = (s: Settings) => s.name;\n",
      'server.ts': "import { hub } from './hub.ts';\nexport type Server = { port: number };\nexport const started = hub;\n",
      'hub.ts': "export const hub = (s: import('./server.ts').Server) => s.port;\n",
    };
    for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(dir, name), text);
    const graph = await madge(dir, { ...options, baseDir: dir });
    expect(
      graph
        .circular()
        .map((c) => c.sort())
        .sort(),
    ).toEqual([
      ['gateway.ts', 'settings.ts'],
      ['hub.ts', 'server.ts'],
    ]);
  });
});

describe('rooms', () => {
  it('routes hold no SQL: nothing under src/http imports drizzle-orm or the schema (queries and commands live in src/domain)', async () => {
    const dir = path.join(root, 'src/http');
    const files = (await fs.readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(20);
    const offenders: string[] = [];
    for (const f of files) {
      const text = await fs.readFile(path.join(dir, f), 'utf8');
      if (/from '(drizzle-orm[^']*|[./]*db\/schema[^']*)'/.test(text)) offenders.push(`src/http/${f}`);
    }
    expect(offenders).toEqual([]);
  });

  it('one statement records ticket events: outside src/domain/tickets/audience.ts nothing in src or db inserts into ticket_events', async () => {
    const writers: string[] = [];
    for (const d of ['src', 'db']) {
      for (const f of await fs.readdir(path.join(root, d), { recursive: true })) {
        if (!f.endsWith('.ts')) continue;
        const text = await fs.readFile(path.join(root, d, f), 'utf8');
        if (/insert\s+into\s+ticket_events|insert\((schema\.)?ticketEvents\)/i.test(text)) writers.push(`${d}/${f}`);
      }
    }
    expect(writers).toEqual(['src/domain/tickets/audience.ts']);
  });
});
