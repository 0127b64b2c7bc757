ALTER TABLE "tickets" ADD COLUMN "lead_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "unit_ids" integer[] DEFAULT '{}'::integer[] NOT NULL;--> statement-breakpoint
-- What the ticket list filters and sorts by but lives in assignments, kept on the ticket (docs/search.md):
-- lead_due_at, the completion deadline of the latest top-level lead assignment (any status, as the list always read it),
-- and unit_ids, the ids of every unit holding an assignment on the ticket (any role, level or status) with all their
-- ancestors (from units.path), sorted, so "this unit and its subtree" is unit_ids @> array[id].
-- Recomputed for the given tickets from their assignments; a row is written only when a value changed.
CREATE OR REPLACE FUNCTION tickets_refresh_chain(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- PL/pgSQL, so the statement's plan is kept for the session; the tickets are found by their key (id = ANY)
  IF coalesce(cardinality(ids), 0) = 0 THEN RETURN; END IF;
  UPDATE tickets t SET lead_due_at = v.due, unit_ids = v.units
  FROM (
    SELECT x.id,
      (SELECT a.complete_due_at FROM assignments a
        WHERE a.ticket_id = x.id AND a.role = 'lead' AND a.parent_id IS NULL ORDER BY a.id DESC LIMIT 1) AS due,
      coalesce((SELECT array_agg(DISTINCT p.id ORDER BY p.id) FROM assignments a JOIN units u ON u.id = a.unit_id
        CROSS JOIN LATERAL unnest(string_to_array(trim(both '/' from u.path), '/')::int[]) AS p(id)
        WHERE a.ticket_id = x.id), '{}'::int[]) AS units
    FROM tickets x WHERE x.id = ANY (ids)
  ) v
  WHERE t.id = v.id AND (t.lead_due_at IS DISTINCT FROM v.due OR t.unit_ids IS DISTINCT FROM v.units);
END
$$;--> statement-breakpoint
-- Every command that writes assignments (dispatch, hand-down, return, re-dispatch, recall, reopen, extension, the
-- calendar's recomputed deadlines, …) keeps the two columns in its own transaction through these triggers: new and
-- deleted rows once per statement, and updated ones once per statement for the rows where a column the values depend
-- on changed (a calendar import recomputing 20,000 deadlines is one refresh, not 20,000).
CREATE OR REPLACE FUNCTION assignments_chain_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM tickets_refresh_chain(array(SELECT DISTINCT ticket_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM tickets_refresh_chain(array(SELECT DISTINCT ticket_id FROM old_rows));
  ELSE
    PERFORM tickets_refresh_chain(array(
      SELECT unnest(array[n.ticket_id, o.ticket_id]) FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE (n.ticket_id, n.unit_id, n.role, n.parent_id, n.complete_due_at) IS DISTINCT FROM (o.ticket_id, o.unit_id, o.role, o.parent_id, o.complete_due_at)));
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION units_chain_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM tickets_refresh_chain(array(SELECT DISTINCT ticket_id FROM assignments WHERE unit_id = NEW.id));
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "assignments_chain_insert" AFTER INSERT ON "assignments" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION assignments_chain_rows();--> statement-breakpoint
CREATE TRIGGER "assignments_chain_delete" AFTER DELETE ON "assignments" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION assignments_chain_rows();--> statement-breakpoint
CREATE TRIGGER "assignments_chain_update" AFTER UPDATE ON "assignments" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION assignments_chain_rows();--> statement-breakpoint
CREATE TRIGGER "units_chain_path" AFTER UPDATE OF "path" ON "units"
  FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION units_chain_moved();--> statement-breakpoint
SELECT tickets_refresh_chain(array(SELECT DISTINCT ticket_id FROM assignments));--> statement-breakpoint
CREATE INDEX "tickets_unit_ids_idx" ON "tickets" USING gin ("unit_ids");--> statement-breakpoint
CREATE INDEX "tickets_lead_due_idx" ON "tickets" USING btree (coalesce("lead_due_at", 'infinity'::timestamptz),"id");--> statement-breakpoint
CREATE INDEX "tickets_lead_due_desc_idx" ON "tickets" USING btree (coalesce("lead_due_at", '-infinity'::timestamptz),"id");
