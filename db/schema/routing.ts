import { boolean, doublePrecision, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { categories } from './catalog.ts';
import { units } from './org.ts';

const ts = () => timestamp({ withTimezone: true });

/**
 * The dispatch catalogue (派单目录): from category (and optionally district, street or keyword) to a lead
 * unit and assisting units. leadMode 'unit' names the lead; 'street' sends it straight to the ticket's
 * street (Beijing style) with a copy to its district; 'district' to the ticket's district.
 */
export const dispatchRules = pgTable(
  'dispatch_rules',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    name: text().notNull(),
    /** Matches this category and every category below it; null = any */
    categoryId: integer().references(() => categories.id),
    districtUnitId: integer().references(() => units.id),
    streetUnitId: integer().references(() => units.id),
    keyword: text(),
    leadMode: text().notNull().default('unit'), // unit | street | district
    leadUnitId: integer().references(() => units.id),
    assistUnitIds: jsonb().$type<number[]>().notNull().default([]),
    /** Beijing: copy the street's district when dispatching to a street */
    copyDistrict: boolean().notNull().default(false),
    priority: integer().notNull().default(0),
    active: boolean().notNull().default(true),
    createdAt: ts().notNull().defaultNow(),
    updatedAt: ts().notNull().defaultNow(),
  },
  (t) => [index('dispatch_rules_category_idx').on(t.categoryId)],
);

/** Street boundaries (GeoJSON Polygon / MultiPolygon, WGS84 lng/lat) loaded by admins, with a bounding box to filter first. */
export const streetBoundaries = pgTable('street_boundaries', {
  unitId: integer()
    .primaryKey()
    .references(() => units.id),
  geometry: jsonb().$type<{ type: 'Polygon' | 'MultiPolygon'; coordinates: unknown }>().notNull(),
  minLat: doublePrecision().notNull(),
  minLng: doublePrecision().notNull(),
  maxLat: doublePrecision().notNull(),
  maxLng: doublePrecision().notNull(),
  updatedAt: ts().notNull().defaultNow(),
});
