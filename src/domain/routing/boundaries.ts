/** Street boundaries loaded by admins: one street at a time, or a FeatureCollection keyed by unit code. Audited. */
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { streetBoundaries, units } from '../../../db/schema/index.ts';
import type { DbDeps, DbClockDeps } from '../../deps.ts';
import type { Actor } from '../auth/actor.ts';
import { audit } from '../audit.ts';
import { NotFoundError, UnprocessableError, ValidationError, type ValidationIssue } from '../errors.ts';
import { bboxOf, geometryIssues, type StreetGeometry } from './geo.ts';
import type { BoundaryCollectionInput, BoundaryInput } from './inputs.ts';

/** The geometry of a Polygon, MultiPolygon or Feature, checked (closed rings, ranges): 400 invalid_geometry otherwise. */
export function geometryOf(input: BoundaryInput | { geometry: StreetGeometry }, path = 'body'): StreetGeometry {
  const g = ('geometry' in input ? input.geometry : input) as StreetGeometry;
  const at = 'geometry' in input ? `${path}.geometry.coordinates` : `${path}.coordinates`;
  const issues = geometryIssues(g, at);
  if (issues.length) throw new ValidationError(issues, 'invalid_geometry');
  // Keep only what GeoJSON defines: [lng, lat] (an altitude is dropped).
  const clean = (ring: number[][]) => ring.map((p) => [p[0]!, p[1]!]);
  return g.type === 'Polygon'
    ? { type: 'Polygon', coordinates: g.coordinates.map(clean) }
    : { type: 'MultiPolygon', coordinates: g.coordinates.map((poly) => poly.map(clean)) };
}

async function save(tx: Db, unitId: number, geometry: StreetGeometry, now: Date) {
  const box = bboxOf(geometry);
  await tx
    .insert(streetBoundaries)
    .values({ unitId, geometry, ...box, updatedAt: now })
    .onConflictDoUpdate({ target: streetBoundaries.unitId, set: { geometry, ...box, updatedAt: now } });
  return box;
}

export async function setBoundary(deps: DbClockDeps, actor: Actor, unitId: number, input: BoundaryInput) {
  const geometry = geometryOf(input);
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [u] = await tx.select({ id: units.id, code: units.code, kind: units.kind }).from(units).where(eq(units.id, unitId));
    if (!u) throw new UnprocessableError('unit_unknown', { unitId });
    if (u.kind !== 'street') throw new UnprocessableError('unit_not_street', { unitId });
    const box = await save(tx, unitId, geometry, deps.clock.now());
    await audit(tx, actor, 'street_boundary_set', { type: 'unit', id: unitId }, { unitCode: u.code, type: geometry.type, bbox: box });
    return { unitId, unitCode: u.code, type: geometry.type, bbox: box };
  });
}

/** All or nothing: one bad feature (shape, unknown code, not a street, code twice) loads none. */
export async function importBoundaries(deps: DbClockDeps, actor: Actor, input: BoundaryCollectionInput) {
  const issues: ValidationIssue[] = [];
  const geometries = input.features.map((f, i) => {
    try {
      return geometryOf(f, `body.features.${i}`);
    } catch (err) {
      if (err instanceof ValidationError) issues.push(...err.issues);
      return null;
    }
  });
  if (issues.length) throw new ValidationError(issues, 'invalid_geometry');
  const codes = input.features.map((f) => f.properties.unitCode);
  const twice = codes.find((c, i) => codes.indexOf(c) !== i);
  if (twice) throw new UnprocessableError('boundary_code_repeated', { unitCode: twice });
  return deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const found = await tx.select({ id: units.id, code: units.code, kind: units.kind }).from(units).where(inArray(units.code, codes));
    const now = deps.clock.now();
    const items: { unitId: number; unitCode: string }[] = [];
    for (const [i, code] of codes.entries()) {
      const u = found.find((f) => f.code === code);
      if (!u) throw new UnprocessableError('unit_code_unknown', { unitCode: code });
      if (u.kind !== 'street') throw new UnprocessableError('unit_not_street', { unitId: u.id });
      await save(tx, u.id, geometries[i]!, now);
      items.push({ unitId: u.id, unitCode: code });
    }
    await audit(tx, actor, 'street_boundaries_imported', null, { count: items.length, unitCodes: codes });
    return { loaded: items.length, items };
  });
}

export async function deleteBoundary(deps: DbDeps, actor: Actor, unitId: number) {
  await deps.db.transaction(async (t) => {
    const tx = t as unknown as Db;
    const [gone] = await tx.delete(streetBoundaries).where(eq(streetBoundaries.unitId, unitId)).returning({ unitId: streetBoundaries.unitId });
    if (!gone) throw new NotFoundError('boundary_not_found', { unitId });
    await audit(tx, actor, 'street_boundary_deleted', { type: 'unit', id: unitId });
  });
}

export async function listBoundaries(db: Db) {
  const rows = await db
    .select({ b: streetBoundaries, code: units.code, name: units.name })
    .from(streetBoundaries)
    .innerJoin(units, eq(units.id, streetBoundaries.unitId))
    .orderBy(asc(units.path));
  return rows.map(({ b, code, name }) => ({
    unitId: b.unitId,
    unitCode: code,
    unitName: name,
    bbox: { minLat: b.minLat, minLng: b.minLng, maxLat: b.maxLat, maxLng: b.maxLng },
    geometry: b.geometry,
    updatedAt: b.updatedAt.toISOString(),
  }));
}
