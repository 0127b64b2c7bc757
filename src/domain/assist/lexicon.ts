/**
 * The centre's own words for segmentation (分词词典): category names, unit names and the names they go by in
 * addresses, the places callers name (roads, compounds: read from recent tickets' addresses), and the words an admin
 * added (assist_lexicon). jieba keeps each of them whole, so '东华门大街路灯不亮' cuts as 东华门大街 / 路灯 / 不亮
 * instead of 东华门 / 大街 / 路 / 灯不亮.
 *
 * Every path that segments asks here first (segmenterFor: training, suggestions, near-duplicate hints, the model's
 * auto-dispatch, knowledge-base search, the starter models), so each cuts with the same words whether or not another
 * path ran before it in the process. Loaded on first need and refreshed when it may have changed: the reference-data
 * counter (reference_version, bumped by triggers on categories and units), the lexicon's row count and newest row make
 * a signature that costs one tiny query to read (hot paths read it at most every LEXICON_RECHECK_MS; a lexicon write
 * on this instance reloads at once); places are read again at most hourly (they change with the tickets, slowly).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { rowsOf } from '../tickets/queries.ts';
import { isTeachable, Segmenter, wordsVersion } from './segment.ts';

/** How many recent tickets' addresses are read for place names, and how often a name must occur to count. */
const PLACE_SAMPLE = 20_000;
const PLACE_MIN_COUNT = 3;
const PLACE_MAX = 5_000;
const PLACE_TTL_MS = 60 * 60 * 1000;
/** How long a hot path (a suggestion, a duplicate hint) trusts the words it last checked before reading the signature again. */
export const LEXICON_RECHECK_MS = 5_000;

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

type Loaded = { signature: string; minedAt: number; places: string[]; derived: number; words: number; version: number; segmenter: Segmenter };
type Slot = { state: Promise<Loaded>; settled: Loaded | null; checkedAt: number };
const loaded = new WeakMap<object, Slot>();

/** `generation`: which set of words the segmenter has (it changes whenever they did): whoever stored segmented text re-cuts it. */
export type LexiconState = { generation: number; derived: number; words: number; segmenter: Segmenter };
export type LexiconOptions = {
  /** The signature, when the caller read it in a query of its own (LEXICON_SIGNATURE) */
  signature?: string;
  /** Trust words checked less than this many ms ago without reading the signature (hot paths: LEXICON_RECHECK_MS) */
  recheckMs?: number;
};

/** Still good: this database's words are the segmenter's (nobody taught others since) and the places are not stale. */
const usable = (s: Loaded | null, now: number): s is Loaded => !!s && s.version === wordsVersion() && now - s.minedAt < PLACE_TTL_MS;
const stateOf = (s: Loaded): LexiconState => ({ generation: s.version, derived: s.derived, words: s.words, segmenter: s.segmenter });

/**
 * Make the segmenter know the centre's words as they are now. Cheap when nothing changed: the signature query only,
 * or nothing at all within `recheckMs` of the last check. Concurrent callers share one load.
 */
export async function ensureLexicon(db: Db, opts: LexiconOptions = {}): Promise<LexiconState> {
  const now = Date.now();
  const hit = loaded.get(db);
  if (hit && opts.recheckMs && now - hit.checkedAt < opts.recheckMs && usable(hit.settled, now)) return stateOf(hit.settled);
  const sig = opts.signature ?? (await readLexiconSignature(db));
  if (hit) {
    const s = await hit.state.catch(() => null);
    if (usable(s, now) && s.signature === sig) {
      hit.checkedAt = now;
      return stateOf(s);
    }
    if (loaded.get(db) !== hit) return ensureLexicon(db, { signature: sig }); // someone else is reloading already
  }
  const previous = hit ? await hit.state.catch(() => null) : null;
  const slot: Slot = { state: load(db, sig, previous && now - previous.minedAt < PLACE_TTL_MS ? previous : null), settled: null, checkedAt: now };
  loaded.set(db, slot);
  slot.state.then(
    (s) => (slot.settled = s),
    () => loaded.get(db) === slot && loaded.delete(db),
  );
  return stateOf(await slot.state);
}

/** The segmenter with the centre's words as they are now (see ensureLexicon): what every segmenting path asks for. */
export async function segmenterFor(db: Db, opts: LexiconOptions = {}): Promise<Segmenter> {
  return (await ensureLexicon(db, opts)).segmenter;
}

/** Forget what was loaded (after a lexicon write, so the next use reloads even within the same signature). */
export function invalidateLexicon(db: Db) {
  loaded.delete(db);
}

async function load(db: Db, signature: string, keepPlaces: Loaded | null): Promise<Loaded> {
  const [ref, own, places] = await Promise.all([
    referenceRows(db),
    db.execute(sql`select word from assist_lexicon`).then((r) => rowsOf<{ word: string }>(r).map((w) => w.word)),
    keepPlaces ? Promise.resolve(keepPlaces.places) : placeWords(db),
  ]);
  const words = centreWords({ ...ref, places, own });
  const segmenter = Segmenter.teach(words.all);
  const minedAt = keepPlaces?.minedAt ?? Date.now();
  return { signature, minedAt, places, derived: words.derived, words: words.all.size, version: wordsVersion(), segmenter };
}

/** What the centre's words are made of: the names in the reference data, places callers name, the admin's words. */
export type CentreWordSource = {
  categories: readonly string[];
  units: readonly { name: string; aliases?: readonly string[] | null }[];
  /** Place names already read from addresses (placesIn) */
  places: readonly string[];
  own?: readonly string[];
};

/** The unit names and the names they go by in addresses. */
const unitNamesOf = (units: CentreWordSource['units']) => units.flatMap((u) => [u.name, ...(u.aliases ?? [])]);

/** The centre's words (`derived`: how many come from categories, units and places rather than the admin). Pure. */
export function centreWords(src: CentreWordSource): { all: Set<string>; derived: number } {
  const derived = new Set([...src.categories, ...unitNamesOf(src.units), ...src.places].map((w) => w.trim()).filter(isTeachable));
  return { all: new Set([...derived, ...(src.own ?? [])]), derived: derived.size };
}

/**
 * The segmenter of a city that has no database here (the evaluations' demo corpus and labelled sets): its category
 * and unit names, and the places read from its addresses as a centre's are read from its tickets'. Also how many
 * words it was taught and which places.
 */
export function segmenterForCity(city: Omit<CentreWordSource, 'places'> & { addresses: readonly string[] }) {
  const places = placesIn(city.addresses, unitNamesOf(city.units));
  const { all } = centreWords({ ...city, places });
  return { segmenter: Segmenter.teach(all), words: all.size, places };
}

/** Active categories' names, and active units' names with their address aliases (jsonb or its text, by driver). */
async function referenceRows(db: Db): Promise<Pick<CentreWordSource, 'categories' | 'units'>> {
  const [cats, unitRows] = await Promise.all([
    db.execute(sql`select name from categories where active`).then((r) => rowsOf<{ name: string }>(r)),
    db.execute(sql`select name, aliases from units where active`).then((r) => rowsOf<{ name: string; aliases: string[] | string | null }>(r)),
  ]);
  return {
    categories: cats.map((c) => c.name),
    units: unitRows.map((u) => ({ name: u.name, aliases: typeof u.aliases === 'string' ? (JSON.parse(u.aliases) as string[]) : u.aliases })),
  };
}

/** Place names from recent tickets' addresses that several callers gave (see placesIn). */
async function placeWords(db: Db): Promise<string[]> {
  const [{ units }, rows] = await Promise.all([
    referenceRows(db),
    db
      .execute(sql`select address from tickets where address is not null and address <> '' order by id desc limit ${PLACE_SAMPLE}`)
      .then((r) => rowsOf<{ address: string }>(r)),
  ]);
  return placesIn(
    rows.map((r) => r.address),
    unitNamesOf(units),
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
