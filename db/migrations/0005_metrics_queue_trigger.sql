-- Every new ticket event is queued for the metrics rollup. The queue row commits with its event, so an
-- event committed after a later-numbered one is still counted (exactly once: the rollup deletes what it counts).
CREATE OR REPLACE FUNCTION metrics_enqueue_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metrics_queue (event_id) VALUES (NEW.id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_events_metrics_enqueue AFTER INSERT ON ticket_events FOR EACH ROW EXECUTE FUNCTION metrics_enqueue_event();
--> statement-breakpoint
-- Events recorded before this migration are counted by the first run.
INSERT INTO metrics_queue (event_id) SELECT id FROM ticket_events ON CONFLICT DO NOTHING;
