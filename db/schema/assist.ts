import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { AssistChoice, AssistTarget } from '../../src/contract/assist.ts';
import { categories } from './catalog.ts';
import { units, users } from './org.ts';
import { tickets } from './tickets.ts';

const ts = () => timestamp({ withTimezone: true });

/**
 * A trained classifier (智能分类 / 智能派单), versioned per target: every retraining adds a row, the newest is the
 * one in use, older ones stay for comparison. `model` holds the learned weights (its own `format` inside).
 */
export const assistModels = pgTable(
  'assist_models',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    target: text().$type<AssistTarget>().notNull(),
    version: integer().notNull(),
    trainedAt: ts().notNull().defaultNow(),
    /** The closed tickets it learned from: closed in [trainedFrom, trainedTo) */
    trainedFrom: ts(),
    trainedTo: ts(),
    samples: integer().notNull(),
    classes: integer().notNull(),
    features: integer().notNull(),
    model: jsonb().$type<Record<string, unknown>>().notNull(),
    /** Figures measured at training time (a held-out slice: top-1, top-3) */
    evaluation: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    durationMs: integer().notNull().default(0),
    /** Who asked for it; null: the scheduled job */
    trainedBy: integer().references(() => users.id),
  },
  (t) => [uniqueIndex('assist_models_target_version_uq').on(t.target, t.version)],
);

/**
 * Every suggestion shown to an operator and what they finally chose: the ticket's category at intake and its first
 * lead unit at dispatch. Live top-1 / top-3 accuracy per week is read from here.
 */
export const assistSuggestions = pgTable(
  'assist_suggestions',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    createdAt: ts().notNull().defaultNow(),
    userId: integer().references(() => users.id),
    /** Set when the ticket is created with this suggestion's id */
    ticketId: bigint({ mode: 'number' }).references(() => tickets.id),
    categoryModelId: integer().references(() => assistModels.id),
    unitModelId: integer().references(() => assistModels.id),
    categories: jsonb().$type<AssistChoice[]>().notNull().default([]),
    units: jsonb().$type<AssistChoice[]>().notNull().default([]),
    /** The category the ticket was created with */
    chosenCategoryId: integer().references(() => categories.id),
    /** The lead unit of the ticket's first dispatch */
    chosenUnitId: integer().references(() => units.id),
    /** Whether the operator took a suggested category by key or click (rank 1–3), null otherwise */
    acceptedCategoryRank: integer(),
    /** True when a suggestion was applied without the operator (an admin's confidence threshold) */
    appliedAutomatically: boolean().notNull().default(false),
  },
  (t) => [index('assist_suggestions_created_idx').on(t.createdAt), index('assist_suggestions_ticket_idx').on(t.ticketId).where(sql`${t.ticketId} is not null`)],
);

/** The centre's own words for segmentation beyond those read from categories, units and places (an admin adds them). */
export const assistLexicon = pgTable('assist_lexicon', {
  word: text().primaryKey(),
  addedBy: integer().references(() => users.id),
  createdAt: ts().notNull().defaultNow(),
});

/** Assisted intake's switches, by key (enabled; the auto-dispatch confidence threshold), edited by the system administrator. */
export const assistSettings = pgTable('assist_settings', {
  key: text().primaryKey(),
  value: jsonb().$type<unknown>().notNull(),
  updatedBy: integer().references(() => users.id),
  updatedAt: ts().notNull().defaultNow(),
});
