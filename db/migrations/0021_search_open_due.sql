ALTER TABLE "tickets" ADD COLUMN "open_due_at" timestamp with time zone;--> statement-breakpoint
-- open_due_at: the earliest completion deadline among the ticket's assignments still at work (awaiting_sign,
-- in_progress), any role or level; null when none is. The list's overdue filter (not closed, and an assignment at work
-- past its deadline) is then `open_due_at < now`. Kept by the same function and triggers as lead_due_at and unit_ids
-- (migration 0019); an assignment's status now counts among the columns whose change refreshes the ticket.
CREATE OR REPLACE FUNCTION tickets_refresh_chain(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- PL/pgSQL, so the statement's plan is kept for the session; the tickets are found by their key (id = ANY)
  IF coalesce(cardinality(ids), 0) = 0 THEN RETURN; END IF;
  UPDATE tickets t SET lead_due_at = v.due, unit_ids = v.units, open_due_at = v.open_due
  FROM (
    SELECT x.id,
      (SELECT a.complete_due_at FROM assignments a
        WHERE a.ticket_id = x.id AND a.role = 'lead' AND a.parent_id IS NULL ORDER BY a.id DESC LIMIT 1) AS due,
      coalesce((SELECT array_agg(DISTINCT p.id ORDER BY p.id) FROM assignments a JOIN units u ON u.id = a.unit_id
        CROSS JOIN LATERAL unnest(string_to_array(trim(both '/' from u.path), '/')::int[]) AS p(id)
        WHERE a.ticket_id = x.id), '{}'::int[]) AS units,
      (SELECT min(a.complete_due_at) FROM assignments a
        WHERE a.ticket_id = x.id AND a.status IN ('awaiting_sign', 'in_progress')) AS open_due
    FROM tickets x WHERE x.id = ANY (ids)
  ) v
  WHERE t.id = v.id
    AND (t.lead_due_at IS DISTINCT FROM v.due OR t.unit_ids IS DISTINCT FROM v.units OR t.open_due_at IS DISTINCT FROM v.open_due);
END
$$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION assignments_chain_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM tickets_refresh_chain(array(SELECT DISTINCT ticket_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM tickets_refresh_chain(array(SELECT DISTINCT ticket_id FROM old_rows));
  ELSE
    PERFORM tickets_refresh_chain(array(
      SELECT unnest(array[n.ticket_id, o.ticket_id]) FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE (n.ticket_id, n.unit_id, n.role, n.parent_id, n.complete_due_at, n.status)
        IS DISTINCT FROM (o.ticket_id, o.unit_id, o.role, o.parent_id, o.complete_due_at, o.status)));
  END IF;
  RETURN NULL;
END
$$;--> statement-breakpoint
UPDATE "tickets" t SET "open_due_at" = (SELECT min(a.complete_due_at) FROM "assignments" a
  WHERE a.ticket_id = t.id AND a.status IN ('awaiting_sign', 'in_progress'))
  WHERE EXISTS (SELECT 1 FROM "assignments" a WHERE a.ticket_id = t.id AND a.status IN ('awaiting_sign', 'in_progress') AND a.complete_due_at IS NOT NULL);--> statement-breakpoint
CREATE INDEX "tickets_open_due_idx" ON "tickets" USING btree ("created_at","open_due_at") WHERE "tickets"."open_due_at" is not null;
