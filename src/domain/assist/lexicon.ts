/**
 * The centre's own words for segmentation (分词词典): category names, unit names and the names they go by in
 * addresses, the places callers name (roads, compounds: read from recent tickets' addresses), and the words an admin
 * added (assist_lexicon). jieba keeps each of them whole, so '东华门大街路灯不亮' cuts as 东华门大街 / 路灯 / 不亮
 * instead of 东华门 / 大街 / 路 / 灯不亮.
 *
 * Loaded on first need and refreshed when it may have changed: the reference-data counter (reference_version, bumped
 * by triggers on categories and units), the lexicon's row count and newest row make a signature that costs one tiny
 * query to read; places are read again at most hourly (they change with the tickets, slowly).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rowsOf } from '../tickets/queries.ts';
import { isTeachable, replaceWords } from './segment.ts';

/** How many recent tickets' addresses are read for place names, and how often a name must occur to count. */
const PLACE_SAMPLE = 20_000;
const PLACE_MIN_COUNT = 3;
const PLACE_MAX = 5_000;
const PLACE_TTL_MS = 60 * 60 * 1000;

/** What a place name ends with: a road, a compound, a landmark of the kind callers give as an address. */
const PLACE_SUFFIX =
  /(?:大街|大道|胡同|小区|花园|家园|新村|公寓|新苑|人家|水岸|广场|市场|菜场|公园|大厦|中心|医院|学校|小学|中学|一号|路|街|巷|苑|里|院|区|村|弄)$/u;
/** What is left in front of a place name once the numbers are cut out: 12号 | 3号楼 | 2单元 … */
const ADDRESS_NOISE = /^(?:号楼|号院|号|单元|栋|幢|室|层|楼|弄|附近|对面|旁边|门口)+/u;

/** The signature of what the words are read from: one query, folded in by callers that query anyway. */
export const LEXICON_SIGNATURE = sql`(select coalesce(max(version), 0) from reference_version)::text || ':' ||
  (select count(*) from assist_lexicon)::text || ':' || coalesce((select max(created_at) from assist_lexicon)::text, '')`;

export async function readLexiconSignature(db: Db): Promise<string> {
  const [row] = rowsOf<{ sig: string }>(await db.execute(sql`select ${LEXICON_SIGNATURE} as sig`));
  return row?.sig ?? '';
}

type Loaded = { signature: string; minedAt: number; places: string[]; derived: number; words: number };
const loaded = new WeakMap<object, { state: Promise<Loaded> }>();
/** Bumped whenever the segmenter's words changed: whoever stored segmented text (the knowledge base) re-cuts it. */
let generation = 0;

export function lexiconGeneration(): number {
  return generation;
}

/**
 * Make the segmenter know the centre's words as they are now (given the signature when the caller read it anyway).
 * Cheap when nothing changed: the signature query only. Concurrent callers share one load.
 */
export async function ensureLexicon(db: Db, signature?: string): Promise<{ generation: number; derived: number; words: number }> {
  const sig = signature ?? (await readLexiconSignature(db));
  const now = Date.now();
  const hit = loaded.get(db);
  if (hit) {
    const s = await hit.state.catch(() => null);
    if (s && s.signature === sig && now - s.minedAt < PLACE_TTL_MS) return { generation, derived: s.derived, words: s.words };
    if (loaded.get(db) !== hit) return ensureLexicon(db, sig); // someone else is reloading already
  }
  const previous = hit ? await hit.state.catch(() => null) : null;
  const state = load(db, sig, previous && now - previous.minedAt < PLACE_TTL_MS ? previous : null);
  loaded.set(db, { state });
  state.catch(() => {
    if (loaded.get(db)?.state === state) loaded.delete(db);
  });
  const s = await state;
  return { generation, derived: s.derived, words: s.words };
}

/** Forget what was loaded (after a lexicon write, so the next use reloads even within the same signature). */
export function invalidateLexicon(db: Db) {
  loaded.delete(db);
}

async function load(db: Db, signature: string, keepPlaces: Loaded | null): Promise<Loaded> {
  const [names, own, places] = await Promise.all([
    referenceWords(db),
    db.execute(sql`select word from assist_lexicon`).then((r) => rowsOf<{ word: string }>(r).map((w) => w.word)),
    keepPlaces ? Promise.resolve(keepPlaces.places) : placeWords(db),
  ]);
  const derived = new Set([...names.words, ...places]);
  const all = new Set([...derived, ...own]);
  if (replaceWords(all)) generation++;
  return { signature, minedAt: keepPlaces?.minedAt ?? Date.now(), places, derived: derived.size, words: all.size };
}

/** Category names, unit names and their address aliases (every unit, so a street boundary's street is among them). */
async function referenceWords(db: Db): Promise<{ words: Set<string>; units: string[] }> {
  const [cats, unitRows] = await Promise.all([
    db.execute(sql`select name from categories where active`).then((r) => rowsOf<{ name: string }>(r)),
    db.execute(sql`select name, aliases from units where active`).then((r) => rowsOf<{ name: string; aliases: string[] | string }>(r)),
  ]);
  const units: string[] = [];
  for (const u of unitRows) {
    units.push(u.name);
    const aliases = typeof u.aliases === 'string' ? (JSON.parse(u.aliases) as string[]) : u.aliases;
    for (const a of aliases ?? []) units.push(a);
  }
  const words = new Set([...cats.map((c) => c.name), ...units].map((w) => w.trim()).filter(isTeachable));
  return { words, units };
}

/** Place names from recent tickets' addresses that several callers gave (see placesIn). */
async function placeWords(db: Db): Promise<string[]> {
  const [{ units }, rows] = await Promise.all([
    referenceWords(db),
    db
      .execute(sql`select address from tickets where address is not null and address <> '' order by id desc limit ${PLACE_SAMPLE}`)
      .then((r) => rowsOf<{ address: string }>(r)),
  ]);
  return placesIn(
    rows.map((r) => r.address),
    units,
  );
}

/**
 * The place names in addresses: unit names (district, street, community) and numbers cut out, what is left kept when
 * it ends like a road, compound or landmark and at least PLACE_MIN_COUNT addresses name it. Pure, for tests.
 */
export function placesIn(addresses: readonly string[], unitNames: readonly string[], minCount = PLACE_MIN_COUNT): string[] {
  const names = [...new Set(unitNames.filter((n) => n.length >= 2))].sort((a, b) => b.length - a.length);
  const unitPattern = names.length ? new RegExp(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gu') : null;
  const counts = new Map<string, number>();
  for (const address of addresses) {
    const seen = new Set<string>();
    const rest = unitPattern ? address.replace(unitPattern, ' ') : address;
    for (const piece of rest.split(/[^\p{Script=Han}]+/u)) {
      const name = piece.replace(ADDRESS_NOISE, '');
      const n = [...name].length;
      if (n < 3 || n > 12 || !PLACE_SUFFIX.test(name) || seen.has(name)) continue;
      seen.add(name);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return [...counts]
    .filter(([, c]) => c >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, PLACE_MAX)
    .map(([w]) => w);
}

/** The admin's own words, newest first, and how many words are read from the reference data and places. */
export async function listLexicon(db: Db) {
  const rows = rowsOf<{ word: string; addedBy: number | null; createdAt: string | Date }>(
    await db.execute(sql`select word, added_by as "addedBy", created_at as "createdAt" from assist_lexicon order by created_at desc, word`),
  );
  const { derived } = await ensureLexicon(db);
  return {
    words: rows.map((r) => ({ word: r.word, addedBy: r.addedBy, createdAt: new Date(r.createdAt).toISOString() })),
    derived,
  };
}
