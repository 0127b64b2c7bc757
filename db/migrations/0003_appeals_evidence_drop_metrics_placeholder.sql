ALTER TABLE "metrics_daily" DISABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP TABLE "metrics_daily" CASCADE;--> statement-breakpoint
ALTER TABLE "appeals" ADD COLUMN "attachment_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE INDEX "appeals_status_idx" ON "appeals" USING btree ("status","id");--> statement-breakpoint
CREATE UNIQUE INDEX "appeals_one_pending_uq" ON "appeals" USING btree ("assignment_id") WHERE "appeals"."status" = 'pending';