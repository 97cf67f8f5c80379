import { Schema } from "effect"
import type pg from "pg"

/** One point charged to `key`, whose window (a fixed one, started by its first point) lasts `durationMs`. */
export interface RateCharge {
  readonly key: string
  readonly durationMs: number
}

/** What a charge brought its key to: the points counted in the window, and when the window ends (ms since the epoch). */
export interface RateCount {
  readonly points: number
  readonly expiresAt: number
}

/** A counted key as PostgreSQL answers it (`expire` is a bigint, sent as text). */
const CountRows = Schema.Array(Schema.Struct({
  key: Schema.String,
  points: Schema.Number,
  expire: Schema.NumberFromString
}))
const decodeRows = Schema.decodeUnknownSync(CountRows)

/**
 * One statement for a batch: each key's points added (or its window restarted when it has ended),
 * in rate-limiter-flexible's table, so counts of both kinds of instance meet during an upgrade.
 */
const upsertOf = (table: string) => `INSERT INTO ${table} AS r (key, points, expire)
  SELECT key, points, $4::bigint + duration FROM unnest($1::varchar[], $2::int[], $3::bigint[]) AS t(key, points, duration)
  ON CONFLICT (key) DO UPDATE SET
    points = CASE WHEN r.expire <= $4::bigint THEN EXCLUDED.points ELSE r.points + EXCLUDED.points END,
    expire = CASE WHEN r.expire <= $4::bigint THEN EXCLUDED.expire ELSE r.expire END
  RETURNING key, points, expire`

interface Waiting {
  readonly charge: RateCharge
  readonly resolve: (count: RateCount) => void
  readonly reject: (error: unknown) => void
}

/**
 * The counts of a batch's charges, from the totals the statement answered: the charges of one key
 * are counted in the order they came, the last one reaching the key's total.
 */
export const countsOf = (charges: ReadonlyArray<RateCharge>, totals: ReadonlyMap<string, RateCount>): Array<RateCount | undefined> => {
  const reached = new Map<string, number>()
  const counts: Array<RateCount | undefined> = new Array(charges.length)
  for (let i = charges.length - 1; i >= 0; i--) {
    const key = charges[i]!.key
    const total = totals.get(key)
    if (total === undefined) continue
    const points = reached.get(key) ?? total.points
    counts[i] = { points, expiresAt: total.expiresAt }
    reached.set(key, points - 1)
  }
  return counts
}

/**
 * Rate-limit counts in PostgreSQL, batched: the charges that arrive while a statement runs (and
 * those of one tick, such as a message's per-IP and per-visitor counts) go together in the next
 * one, whatever their keys and windows. rate-limiter-flexible's PostgreSQL store sends one upsert
 * per key and call; under load this sends one for many messages. Keys are locked in sorted order,
 * so batches of several instances cannot deadlock.
 */
export const make = (pool: pg.Pool, options: { readonly table?: string | undefined; readonly maxBatch?: number | undefined } = {}) => {
  const table = options.table ?? "rate_limits"
  const text = upsertOf(table)
  const maxBatch = options.maxBatch ?? 1000
  let queue: Array<Waiting> = []
  let draining = false

  const run = async (batch: ReadonlyArray<Waiting>) => {
    const perKey = new Map<string, { points: number; durationMs: number }>()
    for (const { charge } of batch) {
      const entry = perKey.get(charge.key)
      if (entry === undefined) perKey.set(charge.key, { points: 1, durationMs: charge.durationMs })
      else entry.points++
    }
    const keys = Array.from(perKey.keys()).sort()
    const result = await pool.query({
      name: "chatbot-rate-count",
      text,
      values: [keys, keys.map((k) => perKey.get(k)!.points), keys.map((k) => perKey.get(k)!.durationMs), Date.now()]
    })
    const totals = new Map(decodeRows(result.rows).map((row) => [row.key, { points: row.points, expiresAt: row.expire }]))
    const counts = countsOf(batch.map((w) => w.charge), totals)
    batch.forEach((w, i) => {
      const count = counts[i]
      if (count === undefined) w.reject(new Error(`no count for ${w.charge.key}`))
      else w.resolve(count)
    })
  }

  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch)
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch)
      await run(batch).catch((error: unknown) => { for (const w of batch) w.reject(error) })
    }
    draining = false
  }

  return {
    /** Charges one point; answers the key's count with it (rejected when the database fails). */
    count: (charge: RateCharge) =>
      new Promise<RateCount>((resolve, reject) => {
        queue.push({ charge, resolve, reject })
        if (!draining) {
          draining = true
          // After this turn of the event loop (not this tick): the charges made together go together,
          // those of requests that arrived together too, and the statement is not sent before the
          // work this turn started (a message's call to the bot, begun beside its count). That work
          // may itself wait for this turn's check phase (undici writes a request on a kept-alive
          // connection from an immediate, after checking the connection), so the statement waits for
          // the immediates queued in this turn too: an immediate queued from an immediate runs after
          // them. Sent first, it held the bot's request back 0.2–0.4 ms (docs/performance.md, session 13).
          setImmediate(() => setImmediate(() => void drain()))
        }
      }),
    /** Deletes the keys whose window ended before `before` (ms since the epoch). */
    clearExpired: (before: number) => pool.query({ text: `DELETE FROM ${table} WHERE expire < $1`, values: [before] })
  }
}

export type PgRateCounts = ReturnType<typeof make>
