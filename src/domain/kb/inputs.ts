import { z } from 'zod';

/** An article as an admin writes it (POST creates, PUT replaces it whole); `active: false` retires it from search and direct answers. */
export const articleInput = z
  .object({
    title: z.string().trim().min(2).max(200),
    body: z.string().trim().min(2).max(20000),
    categoryId: z.number().int().positive().nullable().optional(),
    keywords: z.string().trim().max(500).default(''),
    active: z.boolean().default(true),
  })
  .strict();
export type ArticleInput = z.infer<typeof articleInput>;

export const articleParams = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});

export const searchQuery = z.object({ q: z.string().trim().min(1).max(100), limit: z.coerce.number().int().min(1).max(50).default(10) });
