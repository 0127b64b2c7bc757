-- JIT compilation off for every session of this database (docs/search.md, "JIT"). PostgreSQL compiles a query
-- to machine code when its estimated cost passes jit_above_cost; the ticket list's free-text and unit-scoped
-- searches at 10 M tickets pass it and spent 20–60 ms compiling for queries that then run in 100–400 ms, and no
-- query of this application runs long enough to win the time back. A database-level setting reaches every
-- connection, through pgbouncer too; a role without the right to alter the database gets a notice instead
-- (set `jit = off` for its role or in postgresql.conf).
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'jiesu: could not set jit = off on database % (not its owner); set it for the role or the server', current_database();
END
$$;
