/**
 * Named prepared statements for PGlite.
 *
 * PGlite's `query` runs every statement unnamed, in six turns of the WebAssembly engine (Parse, Describe the
 * statement, Bind, Describe the portal, Execute, Sync), and so parses, analyses and plans it afresh on every
 * call; drizzle's PGlite driver sends every query through it. postgres.js gets named statements from
 * `db/client.ts`; this is the same for the embedded database. A statement with parameters is parsed and
 * described once per PGlite instance under a name (its parameter types and row description kept here), and each
 * later run is one turn of the engine: Bind, Execute and Sync in one message. Values are serialised and rows
 * parsed exactly as PGlite's `query` does (its serializers and parsers, the caller's options), errors carry the
 * query and parameters as PGlite's do, and the locks are PGlite's own: its transaction lock outside a
 * transaction, its query lock inside one, and the data folder is synced after a statement outside a transaction.
 *
 * Statements without parameters (BEGIN, savepoints, migrations' DDL), calls with PGlite-only options
 * (`paramTypes`, `blob`), and a statement's first run take PGlite's own path; at most `MAX_NAMED` are kept, the
 * least recently used closed to make room. A named statement whose plan
 * PostgreSQL refuses to reuse (its result type changed under DDL) is prepared again: at once outside a transaction,
 * on the next call inside one (whose error has aborted it, as on PostgreSQL).
 * Measured in docs/benchmarks.md (Embedded).
 */
import { type PGlite, parse as pgParse, protocol, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';

/** The most named statements one PGlite instance keeps (each holds a plan in the engine); past it the least recently used is closed. */
export const MAX_NAMED = 1_000;
/** How much text of statements seen once is remembered (characters) before the list starts afresh. */
const SEEN_CHARS = 4_000_000;

/** "cached plan must not change result type" */
const STALE = '0A000';

type Message = { name: string };
type Field = { name: string; dataTypeID: number };
type RowDescription = Message & { fields: Field[] };
type Statement = { name: string; paramTypes: number[]; fields: Field[] };
type Parser = (x: string, typeId: number) => unknown;
type Engine = PGlite & {
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  _checkReady(): Promise<void>;
};
type Query = <T>(text: string, params?: unknown[], options?: QueryOptions) => Promise<Results<T>>;

const { serialize } = protocol as unknown as { serialize: Record<string, (...a: unknown[]) => Uint8Array> };
const { parseDescribeStatementResults } = pgParse as unknown as { parseDescribeStatementResults(m: Message[]): number[] };

/** Runs one protocol message (ending in Sync) with the engine's data folder left alone; throws the first error. */
async function exchange(pg: Engine, message: Uint8Array, text: string, params: unknown[], options?: QueryOptions): Promise<Message[]> {
  try {
    return (await pg.execProtocolStream(message, { syncToFs: false })) as unknown as Message[];
  } catch (e) {
    Object.assign(e as object, { query: text, params, queryOptions: options });
    throw e;
  }
}

/**
 * The result of one statement's Bind/Execute/Sync, as PGlite's `parseResults` makes it from the same messages and
 * the statement's kept row description. Written out because `parseResults` merges the caller's parsers into a copy
 * of every type's parser on each call (drizzle passes its own on every query): a tenth of the process's CPU.
 */
function resultOf<T>(messages: Message[], fields: Field[], parsers: Record<number, Parser>, options?: QueryOptions): Results<T> {
  const own = options?.parsers as Record<number, Parser> | undefined;
  const parse = fields.map((f) => own?.[f.dataTypeID] ?? parsers[f.dataTypeID]);
  const value = (x: string | null, i: number) => (x === null ? null : parse[i] ? parse[i]!(x, fields[i]!.dataTypeID) : x);
  const rows: unknown[] = [];
  for (const m of messages) {
    if (m.name === 'dataRow') {
      const data = (m as Message & { fields: (string | null)[] }).fields;
      if (options?.rowMode === 'array') rows.push(data.map(value));
      else {
        const row: Record<string, unknown> = {};
        for (let i = 0; i < data.length; i++) row[fields[i]!.name] = value(data[i]!, i);
        rows.push(row);
      }
    } else if (m.name === 'commandComplete') {
      // "INSERT 0 5", "UPDATE 3", "SELECT 2": the count ends the tag; writes count as affected rows.
      const parts = (m as Message & { text: string }).text.split(' ');
      const command = parts[0]!;
      const rowCount = Number.parseInt(parts[parts.length - 1]!, 10);
      const affectedRows = WRITES.has(command) ? rowCount : 0;
      return { rows, fields, command, affectedRows, ...(Number.isNaN(rowCount) ? {} : { rowCount }) } as Results<T>;
    }
  }
  return { rows: [], fields: [], affectedRows: 0 } as Results<T>;
}
const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE']);

class NamedStatements {
  /** By text, least recently used first. */
  private readonly statements = new Map<string, Statement>();
  /** Statements run once so far (unnamed), and the length of their texts together. */
  private readonly seen = new Set<string>();
  private seenChars = 0;
  /** Names forgotten here and still to be closed in the engine (sent before the next Parse). */
  private readonly closing: string[] = [];
  private made = 0;

  constructor(
    private readonly pg: Engine,
    private readonly max: number,
  ) {}

  /** `text` run with `params` as a named statement; the caller holds PGlite's lock. */
  async run<T>(text: string, params: unknown[], options: QueryOptions | undefined, inTransaction: boolean): Promise<Results<T>> {
    const { pg } = this;
    let statement = this.statements.get(text);
    if (statement) {
      // Most recently used last: the first entry is the one to close when the cap is reached.
      this.statements.delete(text);
      this.statements.set(text, statement);
    } else statement = await this.prepare(text, params, options);
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const oid = statement.paramTypes[i]!;
      const to = options?.serializers?.[oid] ?? pg.serializers[oid];
      return to ? to(param) : String(param);
    });
    let messages: Message[];
    try {
      messages = await exchange(
        pg,
        Buffer.concat([serialize.bind!({ statement: statement.name, values }), serialize.execute!({}), serialize.sync!()]),
        text,
        params,
        options,
      );
    } catch (e) {
      if ((e as { code?: string }).code !== STALE || !this.statements.has(text)) throw e;
      // The table changed under the statement: prepare it anew. Outside a transaction nothing ran, so run it
      // again now; inside one the error has aborted the transaction, as it would on PostgreSQL.
      this.forget(text);
      if (inTransaction) throw e;
      return this.run(text, params, options, inTransaction);
    } finally {
      if (!inTransaction) await pg.syncToFs();
    }
    return resultOf<T>(messages, statement.fields, pg.parsers, options);
  }

  private async prepare(text: string, params: unknown[], options: QueryOptions | undefined): Promise<Statement> {
    const name = `jiesu_${++this.made}`;
    if (this.statements.size >= this.max) this.forget(this.statements.keys().next().value!);
    const close = this.closing.splice(0).map((old) => serialize.close!({ type: 'S', name: old }));
    const messages = await exchange(
      this.pg,
      Buffer.concat([...close, serialize.parse!({ name, text }), serialize.describe!({ type: 'S', name }), serialize.sync!()]),
      text,
      params,
      options,
    );
    const description = messages.find((m): m is RowDescription => m.name === 'rowDescription');
    const statement = {
      name,
      paramTypes: parseDescribeStatementResults(messages),
      fields: (description?.fields ?? []).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
    };
    this.statements.set(text, statement);
    return statement;
  }

  /** Drops a kept statement; the engine closes it with the next statement prepared. */
  private forget(text: string): void {
    const statement = this.statements.get(text);
    if (!statement) return;
    this.statements.delete(text);
    this.closing.push(statement.name);
  }

  /**
   * Whether this call takes the named path: a statement with parameters seen before. A statement's first run is
   * PGlite's own, so one-off statements (a bulk load's inserts of every length, an ad-hoc report) never take a
   * place among the kept ones.
   */
  takes(text: string, params: unknown[] | undefined, options: QueryOptions | undefined): params is unknown[] {
    if (!params?.length || options?.paramTypes || options?.blob) return false;
    if (this.statements.has(text)) return true;
    if (this.seen.delete(text)) {
      this.seenChars -= text.length;
      return true;
    }
    if (this.seenChars + text.length > SEEN_CHARS) {
      this.seen.clear();
      this.seenChars = 0;
    }
    this.seen.add(text);
    this.seenChars += text.length;
    return false;
  }
}

/**
 * The PGlite instance as drizzle and the app see it, with `query` (outside and inside transactions) running
 * statements with parameters as named statements. Everything else is PGlite's own.
 */
export function withNamedStatements(client: PGlite, { max = MAX_NAMED } = {}): PGlite {
  const pg = client as Engine;
  const named = new NamedStatements(pg, max);
  const txQuery =
    (tx: Transaction): Query =>
    (text, params, options) => {
      if (!named.takes(text, params, options)) return tx.query(text, params, options);
      if (tx.closed) return Promise.reject(new Error('Transaction is closed'));
      return pg._runExclusiveQuery(() => named.run(text, params, options, true));
    };
  const query: Query = async (text, params, options) => {
    if (!named.takes(text, params, options)) return client.query(text, params, options);
    await pg._checkReady();
    return pg._runExclusiveTransaction(() => pg._runExclusiveQuery(() => named.run(text, params, options, false)));
  };
  const transaction = <T>(callback: (tx: Transaction) => Promise<T>): Promise<T> =>
    client.transaction((tx) => {
      const q = txQuery(tx);
      return callback(new Proxy(tx, { get: (t, p) => (p === 'query' ? q : Reflect.get(t, p)) }));
    });
  return new Proxy(client, {
    get(target, prop) {
      if (prop === 'query') return query;
      if (prop === 'transaction') return transaction;
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
