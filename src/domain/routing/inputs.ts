import { z } from 'zod';
import { LEAD_MODES, PRIORITY_MAX } from './match.ts';

const id = z.coerce
  .number()
  .int()
  .positive()
  .max(2 ** 31 - 1);
const nullableId = z.union([id, z.null()]).default(null);

/** One catalogue rule; PUT replaces a rule with the same shape. */
export const ruleInput = z
  .object({
    name: z.string().trim().min(2).max(100),
    /** Matches this category and every category below it; null = any */
    categoryId: nullableId,
    districtUnitId: nullableId,
    streetUnitId: nullableId,
    /** Occurs in the title or content (case-insensitive) */
    keyword: z.union([z.string().trim().min(1).max(50), z.null()]).default(null),
    /** unit: leadUnitId; street: the ticket's street; district: the ticket's district */
    leadMode: z.enum(LEAD_MODES).default('unit'),
    leadUnitId: nullableId,
    assistUnitIds: z.array(id).max(20).default([]),
    /** Copy (抄送) the lead street's district, Beijing style */
    copyDistrict: z.boolean().default(false),
    /** Breaks ties between equally specific rules; higher first */
    priority: z.number().int().min(-PRIORITY_MAX).max(PRIORITY_MAX).default(0),
    active: z.boolean().default(true),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.leadMode === 'unit' && v.leadUnitId === null) {
      ctx.addIssue({ code: 'custom', path: ['leadUnitId'], message: 'leadMode 为 unit 时须指定主办单位' });
    }
    if (v.leadMode !== 'unit' && v.leadUnitId !== null) {
      ctx.addIssue({ code: 'custom', path: ['leadUnitId'], message: 'leadMode 为 street 或 district 时主办单位由工单所在地决定，不能另行指定' });
    }
    if (new Set(v.assistUnitIds).size !== v.assistUnitIds.length || (v.leadUnitId !== null && v.assistUnitIds.includes(v.leadUnitId))) {
      ctx.addIssue({ code: 'custom', path: ['assistUnitIds'], message: '协办单位不能重复，也不能与主办单位相同' });
    }
  });
export type RuleInput = z.infer<typeof ruleInput>;

export const rulesQuery = z.object({
  categoryId: id.optional(),
  active: z.enum(['true', 'false']).optional(),
});

// ---- GeoJSON (RFC 7946): shape here; closed rings and coordinate ranges in geo.ts (400 invalid_geometry)

const position = z.array(z.number()).min(2).max(3);
const ring = z.array(position).min(4).max(100_000);
export const polygonGeometry = z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1).max(1000) });
export const multiPolygonGeometry = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1).max(1000)).min(1).max(1000) });
const geometry = z.discriminatedUnion('type', [polygonGeometry, multiPolygonGeometry]);
const feature = z.object({
  type: z.literal('Feature'),
  geometry,
  properties: z.record(z.string(), z.unknown()).nullable().optional(),
});

/** PUT /api/routing/boundaries/:unitId: a Polygon, a MultiPolygon, or a Feature holding one. */
export const boundaryInput = z.discriminatedUnion('type', [polygonGeometry, multiPolygonGeometry, feature]);
export type BoundaryInput = z.infer<typeof boundaryInput>;

/** POST /api/routing/boundaries: features name their street by properties.unitCode. */
export const boundaryCollectionInput = z.object({
  type: z.literal('FeatureCollection'),
  features: z
    .array(
      z.object({
        type: z.literal('Feature'),
        geometry,
        properties: z.looseObject({ unitCode: z.string().trim().min(1).max(64) }),
      }),
    )
    .min(1)
    .max(2000),
});
export type BoundaryCollectionInput = z.infer<typeof boundaryCollectionInput>;

export const locateInput = z
  .object({
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    address: z.string().trim().max(200).optional(),
  })
  .strict()
  .refine((v) => (v.lat === undefined) === (v.lng === undefined), { message: 'lat 与 lng 需同时提供', path: ['lng'] });
