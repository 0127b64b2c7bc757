/**
 * Every path that segments cuts with the centre's own words, whatever ran before it in the process: training stores
 * a place name callers give and an administrator's word as one feature each, a suggestion reads them whole (they are
 * among its weighed words), a near-duplicate hint shares them whole, and the words are reloaded when they change.
 * Each path is entered with the segmenter knowing jieba's dictionary only, as in a fresh process where no
 * knowledge-base search ran before it.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { assignments, assistLexicon, assistModels, categories, tickets } from '../../db/schema/index.ts';
import type { NbModel } from '../../src/domain/assist/classifier.ts';
import { addLexiconWord } from '../../src/domain/assist/lexicon-commands.ts';
import { LEXICON_RECHECK_MS, segmenterFor } from '../../src/domain/assist/lexicon.ts';
import { forgetModels } from '../../src/domain/assist/models.ts';
import { nearDuplicates } from '../../src/domain/assist/near-duplicates.ts';
import { Segmenter } from '../../src/domain/assist/segment.ts';
import { suggest } from '../../src/domain/assist/suggest.ts';
import { retrain } from '../../src/domain/assist/training.ts';
import { freshDatabase, makeDeps, type TestDeps } from '../setup/db.ts';
import { makeWorld, type World } from '../setup/world.ts';

let database: Database;
let deps: TestDeps;
let w: World;
const NOW = new Date('2026-03-10T02:00:00Z');
const HOUR = 3_600_000;
/** A compound callers name (read from the tickets' addresses) and an administrator's word */
const PLACE = '翠湖新村';
const OTHER_PLACE = '幸福里小区';
const OWN_WORD = '电动车充电桩';
let charger: number;
let manhole: number;

/** Forget the centre's words: the segmenter as a process starts, before anything asked for them. */
const jiebaOnly = () => Segmenter.teach([]);

beforeAll(async () => {
  database = await freshDatabase();
  deps = makeDeps(database, {}, NOW.toISOString());
  w = await makeWorld(deps.db);
  const leaf = async (name: string) =>
    (
      await deps.db
        .insert(categories)
        .values({ code: `cw-${name}`, name, level: 3, parentId: w.parentCategory.id })
        .returning()
    )[0]!.id;
  charger = await leaf('充电设施');
  manhole = await leaf('井盖破损');
  await deps.db.insert(assistLexicon).values({ word: OWN_WORD, addedBy: w.admin.id });
  // 160 closed tickets: the charger's in either compound (the compound decides the unit), the manhole's anywhere
  const rows = Array.from({ length: 160 }, (_, i) => {
    const place = i % 2 ? PLACE : OTHER_PLACE;
    const content = i % 4 < 2 ? `${place}${(i % 9) + 1}号楼门口的${OWN_WORD}坏了，充不上电` : `${place}旁边路上的井盖松动了，走上去晃`;
    const closedAt = new Date(NOW.getTime() - (200 - i) * HOUR);
    return {
      number: `CW-${String(i).padStart(6, '0')}`,
      status: 'closed' as const,
      channel: 'phone' as const,
      type: 'complaint' as const,
      categoryId: i % 4 < 2 ? charger : manhole,
      title: content.slice(0, 10),
      content,
      address: `甲区甲街道${place}${(i % 9) + 1}号楼`,
      closeReason: 'completed' as const,
      createdAt: new Date(closedAt.getTime() - 20 * HOUR),
      closedAt,
    };
  });
  const made = await deps.db.insert(tickets).values(rows).returning({ id: tickets.id, content: tickets.content });
  await deps.db.insert(assignments).values(
    made.map((t) => ({
      ticketId: t.id,
      unitId: t.content.startsWith(PLACE) ? w.units.streetA.id : w.units.streetB.id,
      role: 'lead' as const,
      status: 'closed' as const,
      dispatchedAt: new Date(NOW.getTime() - 300 * HOUR),
    })),
  );
  forgetModels();
}, 60_000);
afterAll(async () => {
  forgetModels();
  await database?.close();
});

describe("jieba's own dictionary", () => {
  it('cuts the compound and the administrator’s word into pieces (what a path that skipped the centre’s words would see)', () => {
    const words = jiebaOnly().words(`${PLACE}门口的${OWN_WORD}坏了`);
    expect(words).not.toContain(PLACE);
    expect(words).not.toContain(OWN_WORD);
  });
});

describe('with the centre’s words', () => {
  it('training stores the compound and the administrator’s word as one feature each, in both models', async () => {
    jiebaOnly();
    const r = await retrain(deps.db, { now: NOW, days: 30, trainedBy: null });
    expect(r.models.map((m) => m.target)).toEqual(['category', 'unit']);
    for (const m of r.models) {
      const [row] = await deps.db.select().from(assistModels).where(eq(assistModels.id, m.id));
      const vocab = (row!.model as unknown as NbModel).vocab;
      expect(vocab, m.target).toContain(PLACE);
      expect(vocab, m.target).toContain(OWN_WORD);
    }
  });

  it('a suggestion reads them whole: they are the words that weighed for the category and the unit', async () => {
    jiebaOnly();
    forgetModels();
    const s = await suggest(deps.db, w.operator.actor, { content: `${PLACE}那边的${OWN_WORD}又坏了，晚上没法充电`, channel: 'phone' });
    expect(s.categories[0]).toMatchObject({ id: charger });
    expect(s.categories[0]!.words).toContain(OWN_WORD);
    expect(s.units[0]).toMatchObject({ id: w.units.streetA.id });
    expect(s.units[0]!.words).toContain(PLACE);
  });

  it('a near-duplicate hint shares them whole', async () => {
    const [open] = await deps.db
      .insert(tickets)
      .values({
        number: 'CW-OPEN-1',
        status: 'awaiting_dispatch',
        channel: 'phone',
        type: 'complaint',
        categoryId: charger,
        title: '充电桩故障',
        content: `${OWN_WORD}从昨天开始就用不了，扫码没反应`,
        address: `甲区甲街道${PLACE}2号楼`,
        streetUnitId: w.units.streetA.id,
        districtUnitId: w.units.districtA.id,
        createdAt: new Date(NOW.getTime() - 2 * HOUR),
      })
      .returning({ id: tickets.id });
    jiebaOnly();
    const found = await nearDuplicates(deps.db, w.operator.actor, { content: `楼下的${OWN_WORD}坏了，扫码充不上电`, streetUnitId: w.units.streetA.id }, NOW);
    const hit = found.find((f) => f.ticket.id === open!.id);
    expect(hit?.match.words).toContain(OWN_WORD);
  });
});

describe('when the words change', () => {
  it('a word added here is known at once; one added by another instance once the signature is read again', async () => {
    expect((await segmenterFor(deps.db)).words('小区北门的共享单车停放点太乱')).not.toContain('共享单车停放点');
    await addLexiconWord(deps, w.admin.actor, '共享单车停放点');
    const seg = await segmenterFor(deps.db, { recheckMs: LEXICON_RECHECK_MS });
    expect(seg.words('小区北门的共享单车停放点太乱')).toContain('共享单车停放点');
    // another instance's write: a hot path trusts its last check for a few seconds, then reads the signature
    await deps.db.insert(assistLexicon).values({ word: '垃圾分类驿站', addedBy: w.admin.id });
    expect((await segmenterFor(deps.db, { recheckMs: 60_000 })).words('垃圾分类驿站满了')).not.toContain('垃圾分类驿站');
    expect((await segmenterFor(deps.db)).words('垃圾分类驿站满了')).toContain('垃圾分类驿站');
    await deps.db.delete(assistLexicon).where(and(eq(assistLexicon.word, '垃圾分类驿站')));
  });
});
