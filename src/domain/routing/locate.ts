/**
 * Finding the street (街道/乡镇) a ticket is in, and from it the district:
 *  1. the operator chose it → 'operator';
 *  2. coordinates → point-in-polygon over the admins' street boundaries (bounding box in SQL,
 *     exact test in JS) → 'coordinates';
 *  3. an address → the street names and aliases, and community names (a community implies its
 *     street), found in the text → 'address'.
 * When no street is found the district may still be (from the address), and streetSource stays null.
 */
import { and, asc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { streetBoundaries, units } from '../../../db/schema/index.ts';
import { UnprocessableError } from '../errors.ts';
import type { UnitKind } from '../vocab.ts';
import { bboxArea, containsPoint, type BBox, type StreetGeometry } from './geo.ts';
import type { References } from '../reference.ts';

export const STREET_SOURCES = ['operator', 'coordinates', 'address'] as const;
export type StreetSource = (typeof STREET_SOURCES)[number];

export type PlaceQuery = { streetUnitId?: number | null; lat?: number | null; lng?: number | null; address?: string | null };

type UnitRef = { id: number; code: string; name: string; kind: UnitKind; path: string };

export type Place = {
  street: UnitRef | null;
  district: UnitRef | null;
  source: StreetSource | null;
  /** For 'address': the name or alias found in the text. */
  matched: string | null;
};

const unitCols = { id: units.id, code: units.code, name: units.name, kind: units.kind, path: units.path };

/**
 * The district above a unit (or the unit itself when it is one), through its materialised path. `refs`: the
 * command's copy of the reference data (reference.ts), read instead of the tables when given — as below.
 */
export async function districtOf(db: Db, unit: Pick<UnitRef, 'path'>, refs?: References): Promise<UnitRef | null> {
  const ids = unit.path.split('/').filter(Boolean).map(Number);
  if (ids.length === 0) return null;
  if (refs) {
    // The deepest district on the path (active or not, as below).
    let best: UnitRef | null = null;
    for (const id of ids) {
      const u = refs.units.get(id);
      if (u?.kind === 'district' && (!best || u.path.length > best.path.length)) best = unitRef(u);
    }
    return best;
  }
  const [d] = await db
    .select(unitCols)
    .from(units)
    .where(and(inArray(units.id, ids), eq(units.kind, 'district')))
    .orderBy(sql`length(${units.path}) desc`)
    .limit(1);
  return d ?? null;
}

/** The street whose boundary contains the point; on a shared edge the smaller boundary, then the lower id. */
export async function streetAt(db: Db, lat: number, lng: number, refs?: References): Promise<UnitRef | null> {
  const rows = refs
    ? boundariesAt(refs, lat, lng)
    : await db
        .select({
          ...unitCols,
          geometry: streetBoundaries.geometry,
          minLat: streetBoundaries.minLat,
          minLng: streetBoundaries.minLng,
          maxLat: streetBoundaries.maxLat,
          maxLng: streetBoundaries.maxLng,
        })
        .from(streetBoundaries)
        .innerJoin(units, eq(units.id, streetBoundaries.unitId))
        .where(
          and(
            eq(units.active, true),
            eq(units.kind, 'street'),
            lte(streetBoundaries.minLat, lat),
            gte(streetBoundaries.maxLat, lat),
            lte(streetBoundaries.minLng, lng),
            gte(streetBoundaries.maxLng, lng),
          ),
        )
        .orderBy(asc(units.id));
  const hits = rows.filter((r) => containsPoint(r.geometry as StreetGeometry, lat, lng));
  hits.sort((a, b) => bboxArea(a) - bboxArea(b) || a.id - b.id);
  const hit = hits[0];
  return hit ? { id: hit.id, code: hit.code, name: hit.name, kind: hit.kind, path: hit.path } : null;
}

/** streetAt's query over the cached copy: active streets whose bounding box holds the point, by unit id. */
function boundariesAt(refs: References, lat: number, lng: number) {
  const out: (UnitRef & BBox & { geometry: unknown })[] = [];
  for (const b of refs.boundaries) {
    const u = refs.units.get(b.unitId);
    if (!u?.active || u.kind !== 'street') continue;
    if (b.minLat <= lat && b.maxLat >= lat && b.minLng <= lng && b.maxLng >= lng) {
      out.push({ ...unitRef(u), geometry: b.geometry, minLat: b.minLat, minLng: b.minLng, maxLat: b.maxLat, maxLng: b.maxLng });
    }
  }
  return out.sort((a, b) => a.id - b.id);
}

const unitRef = (u: UnitRef): UnitRef => ({ id: u.id, code: u.code, name: u.name, kind: u.kind, path: u.path });

/**
 * Streets, communities and districts whose name or an alias occurs in the address (the filter runs in
 * SQL, so only the units mentioned come back). The longest match wins: "柳营社区" says more than "西湖".
 * A community stands for its street. Two different streets matched equally well → no street, though
 * their common district (if any) is still returned.
 */
export async function placeFromAddress(db: Db, address: string, refs?: References): Promise<Place> {
  const text = address.trim();
  if (!text) return { street: null, district: null, source: null, matched: null };
  const rows = await db
    .select({ ...unitCols, parentId: units.parentId, aliases: units.aliases })
    .from(units)
    .where(
      and(
        eq(units.active, true),
        inArray(units.kind, ['district', 'street', 'community']),
        sql`(strpos(${text}, ${units.name}) > 0 or exists (
          select 1 from jsonb_array_elements_text(${units.aliases}) as a(alias) where length(a.alias) > 0 and strpos(${text}, a.alias) > 0))`,
      ),
    );
  type Hit = { unit: UnitRef; streetPath: string | null; length: number; matched: string };
  const hits: Hit[] = [];
  for (const r of rows) {
    const names = [r.name, ...(r.aliases ?? [])].filter((n) => n && text.includes(n));
    const best = names.sort((a, b) => b.length - a.length)[0];
    if (!best) continue;
    hits.push({ unit: r, streetPath: null, length: [...best].length, matched: best });
  }
  // A community stands for its street (its parent).
  const parentIds = rows.filter((r) => r.kind === 'community' && r.parentId).map((r) => r.parentId!);
  const parents = parentIds.length
    ? await db
        .select(unitCols)
        .from(units)
        .where(and(inArray(units.id, parentIds), eq(units.kind, 'street'), eq(units.active, true)))
    : [];
  const streetHits: { street: UnitRef; length: number; matched: string }[] = [];
  for (const h of hits) {
    if (h.unit.kind === 'street') streetHits.push({ street: h.unit, length: h.length, matched: h.matched });
    if (h.unit.kind === 'community') {
      const parent = parents.find((p) => h.unit.path.startsWith(p.path));
      if (parent) streetHits.push({ street: parent, length: h.length, matched: h.matched });
    }
  }
  const districtHits = hits.filter((h) => h.unit.kind === 'district');
  // A district named in the address breaks ties between same-named streets of different districts.
  const inNamedDistrict = (s: UnitRef) => districtHits.some((d) => s.path.startsWith(d.unit.path));
  streetHits.sort((a, b) => b.length - a.length || Number(inNamedDistrict(b.street)) - Number(inNamedDistrict(a.street)));
  const top = streetHits[0];
  if (top) {
    const rivals = streetHits.filter(
      (s) => s.street.id !== top.street.id && s.length === top.length && inNamedDistrict(s.street) === inNamedDistrict(top.street),
    );
    if (rivals.length === 0) return { street: top.street, district: await districtOf(db, top.street, refs), source: 'address', matched: top.matched };
    const districts = await Promise.all([top, ...rivals].map((s) => districtOf(db, s.street, refs)));
    const same = districts.every((d) => d && d.id === districts[0]!.id);
    return { street: null, district: same ? districts[0]! : null, source: null, matched: null };
  }
  districtHits.sort((a, b) => b.length - a.length);
  const d = districtHits[0];
  if (d && !districtHits.some((o) => o.unit.id !== d.unit.id && o.length === d.length)) {
    return { street: null, district: d.unit, source: null, matched: d.matched };
  }
  return { street: null, district: null, source: null, matched: null };
}

/**
 * The ticket's place, in the order of trust: the operator's choice, the coordinates, the address.
 * An operator's choice must be an active street (422 otherwise).
 */
export async function locate(db: Db, q: PlaceQuery, refs?: References): Promise<Place> {
  if (q.streetUnitId) {
    const cached = refs?.units.get(q.streetUnitId);
    const [u] = refs
      ? cached?.active
        ? [unitRef(cached)]
        : []
      : await db
          .select(unitCols)
          .from(units)
          .where(and(eq(units.id, q.streetUnitId), eq(units.active, true)));
    if (!u) throw new UnprocessableError('unit_unknown', { unitId: q.streetUnitId });
    if (u.kind !== 'street') throw new UnprocessableError('unit_not_street', { unitId: q.streetUnitId });
    return { street: u, district: await districtOf(db, u, refs), source: 'operator', matched: null };
  }
  if (q.lat !== undefined && q.lat !== null && q.lng !== undefined && q.lng !== null) {
    const street = await streetAt(db, q.lat, q.lng, refs);
    if (street) return { street, district: await districtOf(db, street, refs), source: 'coordinates', matched: null };
  }
  if (q.address) return placeFromAddress(db, q.address, refs);
  return { street: null, district: null, source: null, matched: null };
}

/** The three ticket columns routing fills in at intake. */
export async function ticketPlace(
  db: Db,
  q: PlaceQuery,
  refs?: References,
): Promise<{ streetUnitId: number | null; districtUnitId: number | null; streetSource: StreetSource | null }> {
  const p = await locate(db, q, refs);
  return { streetUnitId: p.street?.id ?? null, districtUnitId: p.district?.id ?? null, streetSource: p.street ? p.source : null };
}
