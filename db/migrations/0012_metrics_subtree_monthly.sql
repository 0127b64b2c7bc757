CREATE TABLE "metrics_subtree_monthly" (
	"month" date NOT NULL,
	"unit_id" integer NOT NULL,
	"appealed" boolean NOT NULL,
	"contacts" integer DEFAULT 0 NOT NULL,
	"repeat_contacts" integer DEFAULT 0 NOT NULL,
	"direct_answers" integer DEFAULT 0 NOT NULL,
	"not_accepted" integer DEFAULT 0 NOT NULL,
	"dispatched" integer DEFAULT 0 NOT NULL,
	"signed_on_time" integer DEFAULT 0 NOT NULL,
	"responded_on_time" integer DEFAULT 0 NOT NULL,
	"lead_responded_on_time" integer DEFAULT 0 NOT NULL,
	"replied" integer DEFAULT 0 NOT NULL,
	"lead_dispatched" integer DEFAULT 0 NOT NULL,
	"lead_returned" integer DEFAULT 0 NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"closed" integer DEFAULT 0 NOT NULL,
	"closed_on_time" integer DEFAULT 0 NOT NULL,
	"closed_redone" integer DEFAULT 0 NOT NULL,
	"reopened" integer DEFAULT 0 NOT NULL,
	"callbacks_concluded" integer DEFAULT 0 NOT NULL,
	"callbacks_valid" integer DEFAULT 0 NOT NULL,
	"solved_answers" integer DEFAULT 0 NOT NULL,
	"solved" integer DEFAULT 0 NOT NULL,
	"partly_solved" integer DEFAULT 0 NOT NULL,
	"rated" integer DEFAULT 0 NOT NULL,
	"satisfied" integer DEFAULT 0 NOT NULL,
	"basically_satisfied" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "metrics_subtree_monthly_month_unit_id_appealed_pk" PRIMARY KEY("month","unit_id","appealed")
);
--> statement-breakpoint
-- Backfill: every unit's monthly counters, all channels together, also counted for each ancestor on its
-- path (unit 0, the centre's intake, only for itself).
INSERT INTO "metrics_subtree_monthly" ("month", "unit_id", "appealed", "contacts", "repeat_contacts", "direct_answers", "not_accepted", "dispatched", "signed_on_time", "responded_on_time", "lead_responded_on_time", "replied", "lead_dispatched", "lead_returned", "completed", "closed", "closed_on_time", "closed_redone", "reopened", "callbacks_concluded", "callbacks_valid", "solved_answers", "solved", "partly_solved", "rated", "satisfied", "basically_satisfied")
  SELECT m."month", a.id::int, m."appealed", sum(m."contacts")::int, sum(m."repeat_contacts")::int, sum(m."direct_answers")::int, sum(m."not_accepted")::int, sum(m."dispatched")::int, sum(m."signed_on_time")::int, sum(m."responded_on_time")::int, sum(m."lead_responded_on_time")::int, sum(m."replied")::int, sum(m."lead_dispatched")::int, sum(m."lead_returned")::int, sum(m."completed")::int, sum(m."closed")::int, sum(m."closed_on_time")::int, sum(m."closed_redone")::int, sum(m."reopened")::int, sum(m."callbacks_concluded")::int, sum(m."callbacks_valid")::int, sum(m."solved_answers")::int, sum(m."solved")::int, sum(m."partly_solved")::int, sum(m."rated")::int, sum(m."satisfied")::int, sum(m."basically_satisfied")::int
  FROM "metrics_unit_monthly" m
  CROSS JOIN LATERAL unnest(CASE WHEN m."unit_id" = 0 THEN ARRAY['0']
    ELSE string_to_array(trim(both '/' from (SELECT u."path" FROM "units" u WHERE u."id" = m."unit_id")), '/') END) AS a(id)
  WHERE a.id ~ '^[0-9]+$'
  GROUP BY 1, 2, 3;--> statement-breakpoint
ANALYZE "metrics_subtree_monthly";--> statement-breakpoint
-- A unit's path changes (a unit moved, or its path set after insert): the rows of every unit on its old and
-- new path are rebuilt from metrics_unit_monthly, in the changing transaction. The rollup's advisory lock
-- (ROLLUP_LOCK_KEY in src/domain/metrics/rollup.ts) is taken first, so a rollup batch never interleaves:
-- one running now finishes (and its counts are in the rebuild); one starting later finds the lock taken,
-- skips its turn and reads the new paths next time.
CREATE FUNCTION "metrics_subtree_rebuild"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  affected int[];
BEGIN
  SELECT array_agg(DISTINCT x::int) INTO affected
  FROM old_units o JOIN new_units n ON n."id" = o."id" AND n."path" IS DISTINCT FROM o."path"
  CROSS JOIN LATERAL unnest(string_to_array(trim(both '/' from o."path"), '/') || string_to_array(trim(both '/' from n."path"), '/')) AS x
  WHERE x ~ '^[0-9]+$';
  IF affected IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(7212346);
  DELETE FROM "metrics_subtree_monthly" WHERE "unit_id" = ANY (affected);
  INSERT INTO "metrics_subtree_monthly" ("month", "unit_id", "appealed", "contacts", "repeat_contacts", "direct_answers", "not_accepted", "dispatched", "signed_on_time", "responded_on_time", "lead_responded_on_time", "replied", "lead_dispatched", "lead_returned", "completed", "closed", "closed_on_time", "closed_redone", "reopened", "callbacks_concluded", "callbacks_valid", "solved_answers", "solved", "partly_solved", "rated", "satisfied", "basically_satisfied")
    SELECT m."month", a.id::int, m."appealed", sum(m."contacts")::int, sum(m."repeat_contacts")::int, sum(m."direct_answers")::int, sum(m."not_accepted")::int, sum(m."dispatched")::int, sum(m."signed_on_time")::int, sum(m."responded_on_time")::int, sum(m."lead_responded_on_time")::int, sum(m."replied")::int, sum(m."lead_dispatched")::int, sum(m."lead_returned")::int, sum(m."completed")::int, sum(m."closed")::int, sum(m."closed_on_time")::int, sum(m."closed_redone")::int, sum(m."reopened")::int, sum(m."callbacks_concluded")::int, sum(m."callbacks_valid")::int, sum(m."solved_answers")::int, sum(m."solved")::int, sum(m."partly_solved")::int, sum(m."rated")::int, sum(m."satisfied")::int, sum(m."basically_satisfied")::int
    FROM "metrics_unit_monthly" m
    CROSS JOIN LATERAL unnest(CASE WHEN m."unit_id" = 0 THEN ARRAY['0']
      ELSE string_to_array(trim(both '/' from (SELECT u."path" FROM "units" u WHERE u."id" = m."unit_id")), '/') END) AS a(id)
    WHERE m."unit_id" <> 0 AND (CASE WHEN a.id ~ '^[0-9]+$' THEN a.id::int END) = ANY (affected)
    GROUP BY 1, 2, 3;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "units_metrics_subtree" AFTER UPDATE ON "units" REFERENCING OLD TABLE AS old_units NEW TABLE AS new_units
  FOR EACH STATEMENT EXECUTE FUNCTION "metrics_subtree_rebuild"();
