ALTER TABLE "tickets" ADD COLUMN "search_terms" text DEFAULT '' NOT NULL;--> statement-breakpoint
-- The ticket's search terms in SQL, the same rule as src/domain/tickets/search-terms.ts (ticketTerms): lower-cased,
-- every pair of neighbouring Chinese characters, and whole runs of Latin letters and digits. Used here to fill in
-- existing tickets and by bulk loads (bench); the intake command computes the same terms in TypeScript.
CREATE OR REPLACE FUNCTION ticket_search_terms(doc text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  select coalesce(string_agg(distinct t, ' '), '') from (
    select substr(m.a[1], i, 2) as t
      from regexp_matches(lower(coalesce(doc, '')), '[\u3400-\u9fff]+', 'g') as m(a),
           generate_series(1, char_length(m.a[1]) - 1) as i
    union all
    select m.a[1] from regexp_matches(lower(coalesce(doc, '')), '[a-z0-9]+', 'g') as m(a)
  ) s
$$;--> statement-breakpoint
UPDATE "tickets" SET "search_terms" = ticket_search_terms(concat_ws(' ', "title", "content", "address"));--> statement-breakpoint
CREATE INDEX "tickets_search_idx" ON "tickets" USING gin (to_tsvector('simple', "search_terms"));--> statement-breakpoint
CREATE INDEX "tickets_caller_last4_idx" ON "tickets" USING btree ("caller_phone_last4","created_at");--> statement-breakpoint
CREATE INDEX "tickets_closed_idx" ON "tickets" USING btree ("closed_at") WHERE "tickets"."closed_at" is not null;--> statement-breakpoint
CREATE INDEX "tickets_number_prefix_idx" ON "tickets" USING btree ("number" text_pattern_ops);
