-- SMS templates join the in-process reference data (src/domain/reference.ts): any change bumps the counter.
CREATE TRIGGER "message_templates_reference_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "message_templates" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_version"();
