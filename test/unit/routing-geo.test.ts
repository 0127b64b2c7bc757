import { describe, expect, it } from 'vitest';
import { bboxOf, containsPoint, geometryIssues, type StreetGeometry } from '../../src/domain/routing/geo.ts';
import { DEMO_BOUNDARIES } from '../../src/seed/routing.ts';

const square = (x1: number, y1: number, x2: number, y2: number) => [
  [x1, y1],
  [x2, y1],
  [x2, y2],
  [x1, y2],
  [x1, y1],
];
/** 120.00–120.10 × 30.00–30.10 with a hole 120.04–120.06 × 30.04–30.06 */
const withHole: StreetGeometry = { type: 'Polygon', coordinates: [square(120, 30, 120.1, 30.1), square(120.04, 30.04, 120.06, 30.06)] };
const multi: StreetGeometry = { type: 'MultiPolygon', coordinates: [[square(120, 30, 120.1, 30.1)], [square(121, 31, 121.1, 31.1)]] };
/** An L shape: its bounding box contains points it does not. */
const ell: StreetGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [120, 30],
      [120.2, 30],
      [120.2, 30.1],
      [120.1, 30.1],
      [120.1, 30.2],
      [120, 30.2],
      [120, 30],
    ],
  ],
};

describe('containsPoint', () => {
  it.each([
    ['inside', withHole, 30.02, 120.02, true],
    ['outside', withHole, 30.2, 120.02, false],
    ['in the hole', withHole, 30.05, 120.05, false],
    ['on the outer edge (counts as inside)', withHole, 30, 120.05, true],
    ['MultiPolygon, first part', multi, 30.05, 120.05, true],
    ['MultiPolygon, second part', multi, 31.05, 121.05, true],
    ['MultiPolygon, between the parts', multi, 30.5, 120.5, false],
    ['L shape, in the arm', ell, 30.15, 120.05, true],
    ['L shape, in its bounding box but outside', ell, 30.15, 120.15, false],
  ] as [string, StreetGeometry, number, number, boolean][])('%s', (_name, g, lat, lng, inside) => {
    expect(containsPoint(g, lat, lng)).toBe(inside);
  });

  it('reads positions as [lng, lat], not [lat, lng]', () => {
    const g: StreetGeometry = { type: 'Polygon', coordinates: [square(120, 30, 120.1, 30.1)] };
    expect(containsPoint(g, 30.05, 120.05)).toBe(true);
    expect(containsPoint(g, 120.05, 30.05)).toBe(false);
  });
});

describe('bboxOf', () => {
  it('covers every outer ring', () => {
    expect(bboxOf(multi)).toEqual({ minLat: 30, minLng: 120, maxLat: 31.1, maxLng: 121.1 });
    expect(bboxOf(ell)).toEqual({ minLat: 30, minLng: 120, maxLat: 30.2, maxLng: 120.2 });
  });
});

describe('geometryIssues', () => {
  it('accepts valid polygons and multipolygons', () => {
    expect(geometryIssues(withHole)).toEqual([]);
    expect(geometryIssues(multi)).toEqual([]);
  });

  it('names each problem with its path', () => {
    const open: StreetGeometry = {
      type: 'Polygon',
      coordinates: [
        square(120, 30, 120.1, 30.1)
          .slice(0, 4)
          .concat([[120, 30.05]]),
      ],
    };
    expect(geometryIssues(open, 'body.coordinates')).toEqual([expect.objectContaining({ path: 'body.coordinates.0', code: 'ring_not_closed' })]);

    const short: StreetGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [120, 30],
          [120.1, 30],
          [120, 30],
        ],
      ],
    };
    expect(geometryIssues(short).map((i) => i.code)).toEqual(['ring_too_short']);

    // [lat, lng] by mistake with a latitude past 90
    const swapped: StreetGeometry = { type: 'MultiPolygon', coordinates: [[square(30, 120, 30.1, 120.1)]] };
    const issues = geometryIssues(swapped);
    expect(new Set(issues.map((i) => i.code))).toEqual(new Set(['lat_out_of_range']));
    expect(issues[0]!.path).toBe('coordinates.0.0.0.1');

    const farEast: StreetGeometry = { type: 'Polygon', coordinates: [square(180, 30, 181, 31)] };
    expect(geometryIssues(farEast).some((i) => i.code === 'lng_out_of_range')).toBe(true);
  });
});

describe('the demo boundaries', () => {
  const entries = Object.entries(DEMO_BOUNDARIES);

  it('are valid, at least five streets', () => {
    expect(entries.length).toBeGreaterThanOrEqual(5);
    for (const [code, g] of entries) expect(geometryIssues(g), code).toEqual([]);
  });

  it('never overlap: on a grid of points, at most one street contains each point off the shared edges', () => {
    for (let lat = 30.155; lat < 30.27; lat += 0.01) {
      for (let lng = 120.095; lng < 120.23; lng += 0.01) {
        const inside = entries.filter(([, g]) => containsPoint(g, lat, lng)).map(([c]) => c);
        expect(inside.length, `${lat},${lng}: ${inside.join(',')}`).toBeLessThanOrEqual(1);
      }
    }
  });
});
