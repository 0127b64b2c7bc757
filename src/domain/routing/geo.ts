/**
 * Street boundaries as GeoJSON (RFC 7946: WGS84, positions [lng, lat]). Pure: validation, bounding
 * boxes and the exact point-in-polygon test (holes and MultiPolygons included, a point on an edge
 * counts as inside). The database keeps a bounding box beside each geometry to filter first.
 */
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { ValidationIssue } from '../errors.ts';

export type Position = number[];
export type Ring = Position[];
export type StreetGeometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
export type BBox = { minLat: number; minLng: number; maxLat: number; maxLng: number };

/** Every polygon of a geometry: an outer ring, then its holes. */
export function polygonsOf(g: StreetGeometry): Ring[][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/**
 * What is wrong with a geometry whose shape (nesting, numbers) is already checked: rings of at least
 * four positions that end where they start, longitudes in [-180, 180] and latitudes in [-90, 90].
 * Empty when valid. `path` prefixes each issue (e.g. "body.coordinates").
 */
export function geometryIssues(g: StreetGeometry, path = 'coordinates'): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const polygons = polygonsOf(g);
  polygons.forEach((rings, p) => {
    rings.forEach((ring, r) => {
      const at = g.type === 'Polygon' ? `${path}.${r}` : `${path}.${p}.${r}`;
      if (ring.length < 4) {
        issues.push({ path: at, code: 'ring_too_short', message: '每个环至少需要 4 个坐标点（首尾相同）' });
        return;
      }
      ring.forEach((pos, i) => {
        const [lng, lat] = pos as [number, number];
        if (!Number.isFinite(lng) || lng < -180 || lng > 180) {
          issues.push({ path: `${at}.${i}.0`, code: 'lng_out_of_range', message: '经度须在 -180 到 180 之间（坐标顺序为 [经度, 纬度]）' });
        }
        if (!Number.isFinite(lat) || lat < -90 || lat > 90) {
          issues.push({ path: `${at}.${i}.1`, code: 'lat_out_of_range', message: '纬度须在 -90 到 90 之间（坐标顺序为 [经度, 纬度]）' });
        }
      });
      const first = ring[0]!;
      const last = ring[ring.length - 1]!;
      if (first[0] !== last[0] || first[1] !== last[1]) {
        issues.push({ path: at, code: 'ring_not_closed', message: '环的最后一个坐标点必须与第一个相同' });
      }
    });
  });
  return issues;
}

/** The bounding box of the outer rings (holes lie inside them). */
export function bboxOf(g: StreetGeometry): BBox {
  let minLat = Infinity;
  let minLng = Infinity;
  let maxLat = -Infinity;
  let maxLng = -Infinity;
  for (const rings of polygonsOf(g)) {
    for (const [lng, lat] of rings[0] ?? []) {
      minLng = Math.min(minLng, lng!);
      maxLng = Math.max(maxLng, lng!);
      minLat = Math.min(minLat, lat!);
      maxLat = Math.max(maxLat, lat!);
    }
  }
  return { minLat, minLng, maxLat, maxLng };
}

export const bboxContains = (b: BBox, lat: number, lng: number) => lat >= b.minLat && lat <= b.maxLat && lng >= b.minLng && lng <= b.maxLng;

/** Exact test: inside an outer ring and not inside one of its holes; the boundary line counts as inside. */
export function containsPoint(g: StreetGeometry, lat: number, lng: number): boolean {
  // turf's types want GeoJSON's own Polygon type; ours is structurally the same.
  return booleanPointInPolygon([lng, lat], g as Parameters<typeof booleanPointInPolygon>[1]);
}

/** Area of the bounding box in square degrees: the smaller box wins when a point lies on a shared edge. */
export const bboxArea = (b: BBox) => (b.maxLat - b.minLat) * (b.maxLng - b.minLng);
