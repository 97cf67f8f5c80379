/**
 * The conversation store on PGlite (file-backed, in a temp dir) and PostgreSQL (a database of its
 * own, dropped after): appended messages/s with 1 and 16 concurrent writers, then p50/p99 of "last
 * 50 messages of a conversation" and "a visitor's latest conversation" with 1,000,000 messages in
 * the table (filled with generate_series), each against a raw `SELECT 1` round trip through the same
 * client. Also PGlite's first start on an empty directory and its restart.
 * Run: node --conditions=source --import tsx bench/store.ts   (BENCH_DATABASE_URL to change server)
 * Prints tables; writes bench/results/store.json and bench/results/store.md.
 * BENCH_STORE_ONLY=appends measures the appends only (no fill, no reads), prints them and writes nothing.
 */
import { Database, layerStores } from "@chatbot-node/adapters/postgres"
import { ConversationStore, Ids } from "@chatbot-node/domain"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import * as Reactivity from "@effect/experimental/Reactivity"
import { Effect, Layer, Redacted } from "effect"
import { execSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"

const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test"
const appendsOnly = process.env.BENCH_STORE_ONLY === "appends"
const conversationsInFill = 20_000
const messagesPerConversation = 50
const shops = 100
const visitors = 10_000
/** Appends per writer of the unreported warm-up round before the appends are timed. */
const warmUpPerWriter = 100
/** Reads of each kind before the timed ones (reported apart as the process's first reads). */
const warmUpReads = 200

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
const round = (n: number, digits = 3) => Number(n.toFixed(digits))

/** Latencies in ms of `samples` sequential runs of `f(i)`. */
const latencies = <E, R>(samples: number, f: (i: number) => Effect.Effect<unknown, E, R>) =>
  Effect.gen(function* () {
    const out: Array<number> = []
    for (let i = 0; i < samples; i++) {
      const t = performance.now()
      yield* f(i)
      out.push(performance.now() - t)
    }
    out.sort((a, b) => a - b)
    return { samples, p50: round(percentile(out, 50)), p99: round(percentile(out, 99)), mean: round(out.reduce((a, b) => a + b, 0) / out.length) }
  })

/** Messages/s of `writers` fibers each appending `perWriter` visitor messages to its own (or one shared) conversation. */
const appendRate = (writers: number, perWriter: number, shared: boolean) =>
  Effect.gen(function* () {
    const store = yield* ConversationStore
    const open = Effect.flatMap(Ids.newConversationId, (id) =>
      store.createConversation({
        id,
        shopId: Ids.ShopId.make("bench-shop"),
        visitorId: Ids.VisitorId.make(`bench-visitor-${id}`),
        locale: "en",
        botId: Ids.BotId.make("demo")
      })
    )
    const one = yield* open
    const targets = shared ? Array.from({ length: writers }, () => one) : yield* Effect.all(Array.from({ length: writers }, () => open))
    const t = performance.now()
    yield* Effect.forEach(
      targets,
      (c, w) =>
        Effect.forEach(
          Array.from({ length: perWriter }, (_, i) => i),
          (i) =>
            store.appendMessage({
              conversationId: c.id,
              role: "visitor",
              text: `writer ${w} message ${i}: do you have the trail runner in size 42? 🏃`,
              status: "complete",
              clientMessageId: Ids.ClientMessageId.make(`w${w}-${i}`)
            }),
          { discard: true }
        ),
      { concurrency: writers, discard: true }
    )
    const seconds = (performance.now() - t) / 1000
    return { writers, shared, messages: writers * perWriter, seconds: round(seconds), perSecond: Math.round((writers * perWriter) / seconds) }
  })

/** Baseline for appends: rows/s of a bare single-row INSERT (serial key, no other index) with `writers` fibers. */
const rawInsertRate = (writers: number, perWriter: number) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    yield* sql`CREATE TABLE IF NOT EXISTS bench_raw (id serial PRIMARY KEY, writer int NOT NULL, text text NOT NULL)`
    const t = performance.now()
    yield* Effect.forEach(
      Array.from({ length: writers }, (_, w) => w),
      (w) =>
        Effect.forEach(
          Array.from({ length: perWriter }, (_, i) => i),
          (i) => sql`INSERT INTO bench_raw (writer, text) VALUES (${w}, ${`writer ${w} message ${i}`})`,
          { discard: true }
        ),
      { concurrency: writers, discard: true }
    )
    const seconds = (performance.now() - t) / 1000
    return { writers, messages: writers * perWriter, seconds: round(seconds), perSecond: Math.round((writers * perWriter) / seconds) }
  })

/**
 * Fills the tables to 1,000,000 messages with generate_series, in chunks of 2,000 conversations, two
 * chunks at a time: PostgreSQL runs them on two backends, one per core (PGlite, one connection, one
 * after another).
 */
const fill = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const t = performance.now()
  const chunk = 2_000
  const starts = Array.from({ length: Math.ceil(conversationsInFill / chunk) }, (_, i) => 1 + i * chunk)
  yield* Effect.forEach(starts, (from) => Effect.gen(function* () {
    const to = from + chunk - 1
    yield* sql`INSERT INTO conversations (id, shop_id, visitor_id, locale, bot_id, status, last_seq, created_at, updated_at)
      SELECT 'bench' || lpad(g::text, 17, '0'), 'shop' || (g % ${shops}), 'visitor' || (g % ${visitors}), 'en', 'demo', 'bot',
             ${messagesPerConversation}, now() - make_interval(secs => ${conversationsInFill} - g), now() - make_interval(secs => ${conversationsInFill} - g)
      FROM generate_series(${from}::int, ${to}::int) g`
    yield* sql`INSERT INTO messages (id, conversation_id, seq, role, text, status, created_at, updated_at)
      SELECT 'm' || lpad(((c - 1) * ${messagesPerConversation} + s)::text, 21, '0'), 'bench' || lpad(c::text, 17, '0'), s,
             CASE WHEN s % 2 = 1 THEN 'visitor' ELSE 'bot' END,
             'Message ' || s || ' of conversation ' || c || ': do you have these running shoes in size 42?',
             'complete', now(), now()
      FROM generate_series(${from}::int, ${to}::int) c, generate_series(1, ${messagesPerConversation}) s`
  }), { concurrency: 2, discard: true })
  // As a production database would be after such an insert: vacuumed and analysed, so that no
  // autovacuum of the fresh million rows runs under the read latencies measured next.
  yield* sql`VACUUM ANALYZE conversations`
  yield* sql`VACUUM ANALYZE messages`
  const [row] = yield* sql<{ n: number }>`SELECT count(*)::int AS n FROM messages`
  return { messages: row?.n ?? 0, seconds: round((performance.now() - t) / 1000, 1) }
})

/**
 * Writes every dirty page out now, before a timed part: on PostgreSQL a checkpoint of earlier work (a
 * fill's, another bench's, spread over minutes by `checkpoint_completion_target`) otherwise lands in the
 * middle of it. Sixteen-writer appends read 3,938–5,229/s in five full runs without it, 6,966 and 7,271
 * with it (session 15).
 */
const checkpoint = Effect.flatMap(SqlClient.SqlClient, (sql) => sql`CHECKPOINT`)

/** The whole run on one database. */
const run = (label: string, scale: { appends1: number; appends16: number; reads: number }) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const store = yield* ConversationStore
    const baselineEmpty = yield* latencies(scale.reads, () => sql`SELECT 1`)
    // Warm-up, not reported: the first few thousand appends ran on unoptimised code (JIT), which
    // showed as a slower first 16-writer case (Node CPU per append ~80 us cold, ~45 us warm).
    yield* rawInsertRate(16, warmUpPerWriter)
    yield* appendRate(1, 16 * warmUpPerWriter, false)
    yield* appendRate(16, warmUpPerWriter, false)
    yield* checkpoint
    const rawInserts = [yield* rawInsertRate(1, scale.appends1), yield* rawInsertRate(16, Math.round(scale.appends16 / 16))]
    const appends = [
      yield* appendRate(1, scale.appends1, false),
      yield* appendRate(16, Math.round(scale.appends16 / 16), false),
      yield* appendRate(16, Math.round(scale.appends16 / 16), true)
    ]
    if (appendsOnly) {
      console.log(`${label}: raw INSERT ${rawInserts.map((r) => `${r.writers}w ${r.perSecond}/s`).join(", ")}; appends ` +
        appends.map((a) => `${a.writers}w${a.shared ? " shared" : ""} ${a.perSecond}/s (${round(a.perSecond / rawInserts[a.writers === 1 ? 0 : 1]!.perSecond, 2)} of raw)`).join(", "))
      return undefined
    }
    console.log(`${label}: appends done; filling 1,000,000 messages…`)
    const filled = yield* fill
    console.log(`${label}: filled ${filled.messages} messages in ${filled.seconds} s`)
    yield* checkpoint
    const baseline = yield* latencies(scale.reads, () => sql`SELECT 1`)
    const pick = (i: number) => ((i * 7919) % conversationsInFill) + 1
    const readLast50 = (i: number) =>
      Effect.flatMap(store.listMessages(Ids.ConversationId.make(`bench${String(pick(i)).padStart(17, "0")}`), { limit: 50 }), (m) =>
        m.length === 50 ? Effect.void : Effect.dieMessage(`expected 50 messages, got ${m.length}`)
      )
    const readLatest = (i: number) =>
      store.latestVisitorConversation(Ids.ShopId.make(`shop${pick(i) % shops}`), Ids.VisitorId.make(`visitor${pick(i) % visitors}`))
    // The first reads of the process, reported apart: they run before the JIT has optimised the
    // decoders (other conversations than the timed reads pick).
    const coldReads = { last50: yield* latencies(warmUpReads, (i) => readLast50(i + scale.reads)), latest: yield* latencies(warmUpReads, (i) => readLatest(i + scale.reads)) }
    const last50 = yield* latencies(scale.reads, readLast50)
    const latest = yield* latencies(scale.reads, readLatest)
    const appendsFull = yield* appendRate(16, Math.round(scale.appends16 / 16), false)
    return { label, baselineEmpty, rawInserts, appends, filled, baseline, coldReads, last50, latest, appendsFull }
  })

const stack = <E>(database: Layer.Layer<SqlClient.SqlClient, E>) => Layer.provideMerge(layerStores, database)

const pglite = Effect.gen(function* () {
  const dir = mkdtempSync(join(os.tmpdir(), "chatbot-bench-"))
  try {
    const dataDir = join(dir, "pglite")
    let t = performance.now()
    yield* Effect.scoped(Layer.build(Database.layerPglite({ dataDir })))
    const firstStartMs = Math.round(performance.now() - t)
    t = performance.now()
    yield* Effect.scoped(Layer.build(Database.layerPglite({ dataDir })))
    const restartMs = Math.round(performance.now() - t)
    console.log(`PGlite: first start ${firstStartMs} ms, restart ${restartMs} ms`)
    const result = yield* Effect.provide(run("PGlite", { appends1: 1_000, appends16: 3_200, reads: 1_000 }), stack(Database.layerPglite({ dataDir })))
    return result && { ...result, firstStartMs, restartMs }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

const onServer = <A, E>(f: (sql: SqlClient.SqlClient) => Effect.Effect<A, E>) =>
  Effect.scoped(Effect.flatMap(PgClient.make({ url: Redacted.make(serverUrl), maxConnections: 1 }), f)).pipe(
    Effect.provide(Reactivity.layer)
  )

const postgres = Effect.gen(function* () {
  const name = `chatbot_bench_${Date.now()}`
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  yield* onServer((sql) => sql`CREATE DATABASE ${sql(name)}`)
  return yield* Effect.provide(
    run("PostgreSQL", { appends1: 2_000, appends16: 16_000, reads: 2_000 }),
    stack(Database.layerPostgres({ url: url.toString(), maxConnections: 20 }))
  ).pipe(Effect.ensuring(Effect.orDie(onServer((sql) => sql`DROP DATABASE IF EXISTS ${sql(name)} WITH (FORCE)`))))
})

const main = Effect.gen(function* () {
  const loadAtStart = os.loadavg()[0]
  const embedded = yield* pglite
  const server = yield* postgres
  if (embedded === undefined || server === undefined) {
    return console.log(`appends only: nothing written; load average ${round(loadAtStart ?? 0, 2)} → ${round(os.loadavg()[0] ?? 0, 2)}`)
  }
  const results = [embedded, server]
  const machine = {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim(),
    memoryGB: round(os.totalmem() / 2 ** 30, 1),
    loadAverage1m: { atStart: round(loadAtStart ?? 0, 2), atEnd: round(os.loadavg()[0] ?? 0, 2) },
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    date: new Date().toISOString(),
    commit: execSync("git rev-parse HEAD").toString().trim()
  }
  const pg = results[1]!
  const targets = {
    postgresAppendsPerSecondWith16Writers: { target: 5_000, measured: pg.appends[1]!.perSecond, met: pg.appends[1]!.perSecond >= 5_000 },
    postgresLast50P99Ms: { target: 5, measured: pg.last50.p99, met: pg.last50.p99 <= 5 },
    postgresLatestConversationP99Ms: { target: 5, measured: pg.latest.p99, met: pg.latest.p99 <= 5 }
  }
  const json = { machine, fill: { conversations: conversationsInFill, messagesPerConversation, shops, visitors }, results, targets }
  writeFileSync(new URL("./results/store.json", import.meta.url), JSON.stringify(json, null, 2) + "\n")

  const lines = [
    "# bench/store.ts",
    "",
    `${machine.node}, ${machine.cores} x ${machine.cpu}, load average ${machine.loadAverage1m.atStart} → ${machine.loadAverage1m.atEnd} (shared machine), commit ${machine.commit.slice(0, 7)}. ` +
      `Reads run through the ConversationStore (SQL + Schema decoding); baseline is \`SELECT 1\` through the same SqlClient. ` +
      `Appends are timed after an unreported warm-up (${16 * warmUpPerWriter} bare INSERTs, ${16 * warmUpPerWriter} appends by 1 writer and ${16 * warmUpPerWriter} by 16).`,
    "",
    "| appends (visitor messages with clientMessageId, one commit each) | PGlite msg/s | ÷ raw | PostgreSQL msg/s | ÷ raw |",
    "|---|---:|---:|---:|---:|",
    ...[0, 1].map((i) => {
      const a = results[0]!.rawInserts[i]!
      const b = results[1]!.rawInserts[i]!
      return `| baseline: bare single-row INSERT, ${a.writers} writer(s) | ${a.perSecond} | 1 | ${b.perSecond} | 1 |`
    }),
    ...[0, 1, 2].map((i) => {
      const [a, b] = [results[0]!, results[1]!]
      const raw = i === 0 ? 0 : 1
      const row = (r: typeof a) => `${r.appends[i]!.perSecond} | ${round(r.appends[i]!.perSecond / r.rawInserts[raw]!.perSecond, 2)}`
      const what = `${a.appends[i]!.writers} writer${a.appends[i]!.writers === 1 ? "" : "s"}, ${a.appends[i]!.shared && a.appends[i]!.writers > 1 ? "all in one conversation" : "a conversation each"}, empty table`
      return `| ${what} | ${row(a)} | ${row(b)} |`
    }),
    `| 16 writers, a conversation each, 1M messages in the table | ${results[0]!.appendsFull.perSecond} | ${round(results[0]!.appendsFull.perSecond / results[0]!.rawInserts[1]!.perSecond, 2)} | ${results[1]!.appendsFull.perSecond} | ${round(results[1]!.appendsFull.perSecond / results[1]!.rawInserts[1]!.perSecond, 2)} |`,
    "",
    "| read with 1,000,000 messages in the table | backend | p50 ms | p99 ms | p50 ÷ SELECT 1 p50 |",
    "|---|---|---:|---:|---:|",
    ...results.flatMap((r) => [
      `| baseline: SELECT 1 round trip | ${r.label} | ${r.baseline.p50} | ${r.baseline.p99} | 1 |`,
      `| last 50 messages of a conversation | ${r.label} | ${r.last50.p50} | ${r.last50.p99} | ${round(r.last50.p50 / r.baseline.p50, 1)} |`,
      `| a visitor's latest conversation | ${r.label} | ${r.latest.p50} | ${r.latest.p99} | ${round(r.latest.p50 / r.baseline.p50, 1)} |`
    ]),
    "",
    `The process's first ${warmUpReads} reads of each kind ran before the timed ones and are not in the table: ` +
      results.map((r) => `${r.label} last 50 p50 ${r.coldReads.last50.p50} / p99 ${r.coldReads.last50.p99} ms, latest conversation p50 ${r.coldReads.latest.p50} / p99 ${r.coldReads.latest.p99} ms`).join("; ") + ".",
    "",
    `Fill (generate_series, ${conversationsInFill} conversations x ${messagesPerConversation} messages, indexes in place): ` +
      results.map((r) => `${r.label} ${r.filled.seconds} s`).join(", ") + ".",
    `PGlite first start on an empty directory (initdb + migrations): ${embedded.firstStartMs} ms; restart: ${embedded.restartMs} ms.`,
    "",
    `Targets on PostgreSQL: ≥ 5,000 msg/s with 16 writers: ${targets.postgresAppendsPerSecondWith16Writers.met}; ` +
      `last-50 p99 ≤ 5 ms: ${targets.postgresLast50P99Ms.met}; latest-conversation p99 ≤ 5 ms: ${targets.postgresLatestConversationP99Ms.met}.`,
    ""
  ]
  writeFileSync(new URL("./results/store.md", import.meta.url), lines.join("\n"))
  console.log(lines.join("\n"))
})

Effect.runPromise(main).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
