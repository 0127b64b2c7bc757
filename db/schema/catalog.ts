import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';

/** Three-level category tree (大类 / 中类 / 小类); tickets take a leaf. */
export const categories = pgTable(
  'categories',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    code: text().notNull(),
    name: text().notNull(),
    parentId: integer().references((): AnyPgColumn => categories.id),
    level: integer().notNull(),
    /** Offered to the public through Open311's service list. */
    public: boolean().notNull().default(true),
    /** Safe to dispatch automatically when a catalogue rule matches (e.g. 停水, 路灯不亮) */
    autoDispatch: boolean().notNull().default(false),
    /** Open311 service description */
    description: text().notNull().default(''),
    active: boolean().notNull().default(true),
    sort: integer().notNull().default(0),
  },
  (t) => [uniqueIndex('categories_code_uq').on(t.code), index('categories_parent_idx').on(t.parentId)],
);

/** Knowledge base (知识库) for direct answers. */
export const kbArticles = pgTable(
  'kb_articles',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    title: text().notNull(),
    body: text().notNull(),
    categoryId: integer().references(() => categories.id),
    keywords: text().notNull().default(''),
    /** Space-separated character bigrams of title, keywords and body: indexed with the 'simple' text search config. */
    searchTerms: text().notNull().default(''),
    active: boolean().notNull().default(true),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('kb_articles_category_idx').on(t.categoryId), index('kb_articles_search_idx').using('gin', sql`to_tsvector('simple', ${t.searchTerms})`)],
);
