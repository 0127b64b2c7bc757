/**
 * Near-duplicates across callers (并单 suggestions): the same matter told by another caller, in other words. A
 * candidate is a ticket created within NEAR_WINDOW_DAYS in the demand's street (or district, or within a box around its
 * coordinates); it is a near-duplicate when its place is near — within NEAR_METRES when both have coordinates,
 * otherwise the same street (or, streets unknown, an address bigram similarity of at least 0.5) — and its words are
 * similar: cosine over the two word sets (jieba with the centre's words: lexicon.ts's segmenter), each word weighted by its inverse document frequency in
 * the candidate pool, so what every ticket of the street says (the compound's name, 小区, 晚上) counts little and what
 * names the matter counts much; plus a small weight for a similar address. The threshold and weights were chosen on the
 * labelled set (test/assist/fixtures/near-duplicates.ts; bench/eval/near-duplicates.ts; docs/assist.md).
 *
 * The scoring is pure (the evaluation runs it without a database, with a segmenter taught its own city's words);
 * nearDuplicates() adds the segmenter with the centre's words and the indexed retrieval.
 */
import { and, desc, eq, gte, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { tickets } from '../../../db/schema/index.ts';
import type { Actor } from '../auth/actor.ts';
import { searchTerms } from '../kb/search-terms.ts';
import { locate } from '../routing/locate.ts';
import { visibleTo, type TicketRow } from '../tickets/queries.ts';
import { LEXICON_RECHECK_MS, segmenterFor } from './lexicon.ts';
import type { Segmenter } from './segment.ts';

/** How far back a repeat is looked for: a matter told again after a week is a recurrence, not a repeat. */
export const NEAR_WINDOW_DAYS = 7;
/** Coordinates within this many metres are one place. */
export const NEAR_METRES = 500;
/** The score at or above which a candidate is suggested (chosen on the labelled set: best F1, see docs/assist.md). */
export const NEAR_THRESHOLD = 0.13;
/** A match must score at least this share of the demand's best match (the best is far likelier the matter than the rest). */
export const NEAR_RELATIVE = 0.7;
/** The weight of the words that name the place in the text similarity (the compound's name is no evidence of the matter). */
export const PLACE_WORD_WEIGHT = 0.3;
/** The weight of the address bigram similarity in the score (the words' cosine weighs 1). */
export const ADDRESS_WEIGHT = 0.15;
/** At most this many candidates are read and scored per demand (newest first). */
export const CANDIDATE_LIMIT = 400;

export type TextMeasure = 'words_chars' | 'words' | 'jaccard' | 'bigram_jaccard';
export type MatchOptions = {
  threshold: number;
  addressWeight: number;
  measure: TextMeasure;
  windowDays: number;
  metres: number;
  /** A match must score at least this share of the best match's score (0: off) */
  relative: number;
  /** The weight of a word that names the place (a word of either address, and its characters): the place is scored apart */
  placeWords: number;
};
export const DEFAULT_MATCH: MatchOptions = {
  threshold: NEAR_THRESHOLD,
  addressWeight: ADDRESS_WEIGHT,
  measure: 'words_chars',
  windowDays: NEAR_WINDOW_DAYS,
  metres: NEAR_METRES,
  relative: NEAR_RELATIVE,
  placeWords: PLACE_WORD_WEIGHT,
};

/** A demand or a ticket, as the matcher sees it. */
export type NearDemand = {
  title?: string | null;
  content: string;
  address?: string | null;
  lat?: number | null;
  lng?: number | null;
  /** Street and district: ids in the database, names in the labelled set */
  street?: number | string | null;
  district?: number | string | null;
  at: Date;
};

export type NearMatch = {
  score: number;
  /** The words' similarity alone (0..1) */
  text: number;
  place: 'nearby' | 'same_street' | 'similar_address';
  /** Metres apart, when both have coordinates */
  metres: number | null;
  /** The shared words, the most telling first */
  words: string[];
};

/** Similarity of two addresses: Jaccard over character bigrams (0..1). */
export function addressSimilarity(a: string, b: string): number {
  const A = new Set(searchTerms(a).filter((t) => [...t].length === 2));
  const B = new Set(searchTerms(b).filter((t) => [...t].length === 2));
  if (A.size === 0 || B.size === 0) return 0;
  let inter = 0;
  for (const x of A) if (B.has(x)) inter++;
  return inter / (A.size + B.size - inter);
}

/** Great-circle distance in metres. */
export function metres(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const R = 6371000;
  const toRad = (d: number) => (d * Math.PI) / 180;
  const dLat = toRad(lat2 - lat1);
  const dLng = toRad(lng2 - lng1);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(lat1)) * Math.cos(toRad(lat2)) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

const hasPoint = (d: NearDemand): d is NearDemand & { lat: number; lng: number } =>
  d.lat !== null && d.lat !== undefined && d.lng !== null && d.lng !== undefined;

/** Whether two demands are at one place, and how: null when they are not. */
export function nearPlace(q: NearDemand, c: NearDemand, within = NEAR_METRES): { place: NearMatch['place']; metres: number | null } | null {
  if (hasPoint(q) && hasPoint(c)) {
    const m = metres(q.lat, q.lng, c.lat, c.lng);
    return m <= within ? { place: 'nearby', metres: Math.round(m) } : null;
  }
  if (q.street && c.street) return q.street === c.street ? { place: 'same_street', metres: null } : null;
  if (q.address && c.address && addressSimilarity(q.address, c.address) >= 0.5) return { place: 'similar_address', metres: null };
  return null;
}

/**
 * A demand's features under a measure, each with its weight: the words (weight 1) and, for 'words_chars', the
 * characters of the words of two or more (weight ½, marked '#'), so a paraphrase that shares a character of meaning
 * (停水 / 断水 / 没水, 路灯 / 灯, a typo like 暖汽) still counts a little; for 'bigram_jaccard', the character bigrams.
 */
export function features(seg: Segmenter, d: Pick<NearDemand, 'title' | 'content'>, measure: TextMeasure): Map<string, number> {
  const text = `${d.title ?? ''} ${d.content}`;
  if (measure === 'bigram_jaccard')
    return new Map(
      searchTerms(text)
        .filter((t) => [...t].length === 2)
        .map((t) => [t, 1]),
    );
  const out = new Map<string, number>();
  for (const w of seg.words(text)) {
    out.set(w, 1);
    const chars = [...w];
    if (measure === 'words_chars' && chars.length > 1) for (const c of chars) if (!out.has(`#${c}`)) out.set(`#${c}`, 0.5);
  }
  return out;
}

/** Inverse document frequencies over a pool of feature sets (smoothed: a feature in every set still weighs a little). */
export function idfOf(pool: Iterable<string>[]): (w: string) => number {
  const df = new Map<string, number>();
  let n = 0;
  for (const set of pool) {
    n++;
    for (const w of set) df.set(w, (df.get(w) ?? 0) + 1);
  }
  return (w) => Math.log((n + 1) / ((df.get(w) ?? 0) + 1)) + 1;
}

/** Text similarity of two feature maps under a measure (0..1), with the shared words (not characters), heaviest first. */
export function textSimilarity(a: Map<string, number>, b: Map<string, number>, weigh: (w: string) => number, measure: TextMeasure) {
  const idf = weigh;
  const sharedKeys = [...a.keys()].filter((w) => b.has(w));
  const shared = sharedKeys.filter((w) => !w.startsWith('#')).sort((x, y) => idf(y) - idf(x) || x.localeCompare(y));
  if (a.size === 0 || b.size === 0) return { sim: 0, shared };
  if (measure === 'jaccard' || measure === 'bigram_jaccard') return { sim: sharedKeys.length / (a.size + b.size - sharedKeys.length), shared };
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [w, v] of a) na += (v * idf(w)) ** 2;
  for (const [w, v] of b) nb += (v * idf(w)) ** 2;
  for (const w of sharedKeys) dot += a.get(w)! * b.get(w)! * idf(w) ** 2;
  return { sim: dot / Math.sqrt(na * nb), shared };
}

/** The features of two addresses (words and their characters): the words that name the place. */
function placeFeatures(seg: Segmenter, a: string | null | undefined, b: string | null | undefined, measure: TextMeasure): Set<string> {
  const text = `${a ?? ''} ${b ?? ''}`.trim();
  return text ? new Set(features(seg, { content: text }, measure).keys()) : new Set();
}

/**
 * Score every candidate of a pool against a demand; the matches (at or above the threshold) best first. The pool
 * is what retrieval found (the candidates themselves); the inverse document frequencies are estimated from it and
 * the demand.
 */
export function matchNearDuplicates<C extends NearDemand>(
  seg: Segmenter,
  q: NearDemand,
  pool: C[],
  opts: MatchOptions = DEFAULT_MATCH,
): { candidate: C; match: NearMatch }[] {
  const since = q.at.getTime() - opts.windowDays * 86400_000;
  const inWindow = pool.filter((c) => c.at.getTime() >= since && c.at.getTime() <= q.at.getTime());
  if (inWindow.length === 0) return [];
  const maps = inWindow.map((c) => features(seg, c, opts.measure));
  const mine = features(seg, q, opts.measure);
  const idf = idfOf([mine.keys(), ...maps.map((m) => m.keys())]);
  const out: { candidate: C; match: NearMatch }[] = [];
  inWindow.forEach((c, i) => {
    const near = nearPlace(q, c, opts.metres);
    if (!near) return;
    const place = placeFeatures(seg, q.address, c.address, opts.measure);
    const weigh = place.size ? (w: string) => idf(w) * (place.has(w) ? opts.placeWords : 1) : idf;
    const { sim, shared } = textSimilarity(mine, maps[i]!, weigh, opts.measure);
    const addr = q.address && c.address ? addressSimilarity(q.address, c.address) : 0;
    const score = sim + opts.addressWeight * addr;
    if (score < opts.threshold || sim === 0) return;
    out.push({ candidate: c, match: { score: round(score), text: round(sim), ...near, words: shared.slice(0, 8) } });
  });
  out.sort((a, b) => b.match.score - a.match.score);
  const floor = (out[0]?.match.score ?? 0) * opts.relative;
  return out.filter((m) => m.match.score >= floor);
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** What intake knows of the demand in hand. */
export type DemandQuery = {
  title?: string;
  content: string;
  streetUnitId?: number;
  address?: string;
  lat?: number;
  lng?: number;
};

/** Degrees of latitude / longitude spanning NEAR_METRES around a point (the retrieval's box). */
function box(lat: number, lng: number, m: number) {
  const dLat = m / 111_320;
  const dLng = m / (111_320 * Math.max(0.1, Math.cos((lat * Math.PI) / 180)));
  return { lat0: lat - dLat, lat1: lat + dLat, lng0: lng - dLng, lng1: lng + dLng };
}

/**
 * Near-duplicates of a demand among the tickets the actor may see: the demand's place is located as at intake
 * (routing/locate.ts: the operator's street, the coordinates, the address), then one query reads the candidates —
 * created since the window's start (the created_at index bounds the scan to the window), in the same street (or
 * without a street in the same district) or within the box around the coordinates, not merged away — newest first,
 * at most CANDIDATE_LIMIT, and only the columns the scoring reads. The matches' rows are then read whole.
 */
export async function nearDuplicates(db: Db, actor: Actor, q: DemandQuery, now: Date, opts: MatchOptions = DEFAULT_MATCH) {
  const seg = await segmenterFor(db, { recheckMs: LEXICON_RECHECK_MS });
  if (seg.words(`${q.title ?? ''} ${q.content}`).length === 0) return [];
  const place = await locate(db, q).catch(() => null);
  const street = place?.street?.id ?? null;
  const district = place?.district?.id ?? null;
  const where: SQL[] = [];
  if (street) where.push(eq(tickets.streetUnitId, street));
  if (district) where.push(and(isNull(tickets.streetUnitId), eq(tickets.districtUnitId, district))!);
  if (q.lat !== undefined && q.lng !== undefined) {
    const b = box(q.lat, q.lng, opts.metres);
    where.push(sql`(${tickets.lat} between ${b.lat0} and ${b.lat1} and ${tickets.lng} between ${b.lng0} and ${b.lng1})`);
  }
  if (where.length === 0) return [];
  const since = new Date(now.getTime() - opts.windowDays * 86400_000);
  const rows = await db
    .select({
      id: tickets.id,
      title: tickets.title,
      content: tickets.content,
      address: tickets.address,
      lat: tickets.lat,
      lng: tickets.lng,
      street: tickets.streetUnitId,
      district: tickets.districtUnitId,
      at: tickets.createdAt,
    })
    .from(tickets)
    .where(and(gte(tickets.createdAt, since), or(...where), sql`${tickets.mergedIntoTicketId} is null`, visibleTo(actor)))
    .orderBy(desc(tickets.createdAt))
    .limit(CANDIDATE_LIMIT);
  const demand: NearDemand = { ...q, street, district, at: now };
  const matches = matchNearDuplicates(seg, demand, rows, opts).slice(0, 20);
  if (matches.length === 0) return [];
  const full = await db
    .select()
    .from(tickets)
    .where(
      inArray(
        tickets.id,
        matches.map((m) => m.candidate.id),
      ),
    );
  const byId = new Map<number, TicketRow>(full.map((t) => [t.id, t]));
  return matches.flatMap((m) => {
    const ticket = byId.get(m.candidate.id);
    return ticket ? [{ ticket, match: m.match }] : [];
  });
}
