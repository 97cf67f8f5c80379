import { Ids, RateLimitPolicy } from "@chatbot-node/domain"
import { Config, ConfigError, Context, Duration, Effect, Either, Layer, Option, Redacted, Schema } from "effect"
import { randomBytes } from "node:crypto"
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"

/** Where the bot answers from: the offline demo bot, or Coze with one bot for every shop. */
export type BotMode = { readonly _tag: "Demo" } | { readonly _tag: "Coze"; readonly botId: Ids.BotId }

/** The server's settings, read once from the environment at start. */
export interface ServerSettings {
  readonly port: number
  readonly host: string
  readonly publicUrl: string
  readonly nodeEnv: "development" | "production" | "test"
  readonly dataDir: string
  readonly databaseUrl: Option.Option<Redacted.Redacted>
  readonly jwtSecret: Redacted.Redacted
  readonly adminEmail: Option.Option<string>
  readonly adminPassword: Option.Option<Redacted.Redacted>
  /** How long a staff token lasts (ADMIN_TOKEN_TTL, 12 h by default). */
  readonly adminTokenTtl: Duration.Duration
  readonly shutdownGrace: Duration.Duration
  readonly bot: BotMode
  /** The shop ids served by the default shop settings; none means every id. */
  readonly shopIds: Option.Option<ReadonlyArray<Ids.ShopId>>
  /** Whether the default shop settings accept a bare `userId` (the seed's API). */
  readonly anonymousUserIds: boolean
  readonly demoTokenDelayMs: { readonly min: number; readonly max: number }
  readonly heartbeat: Duration.Duration
  readonly trustProxy: boolean
  /** RATE_LIMIT_VISITOR / RATE_LIMIT_IP / RATE_LIMIT_LOGIN as `points/seconds`. */
  readonly rateLimits: RateLimitPolicy.RateLimits
  /**
   * REDIS_URL: where rate-limit counters live and how instances share live events (Socket.io's
   * Redis adapter and the Redis RealtimeHub); else PostgreSQL when DATABASE_URL is set, else memory.
   */
  readonly redisUrl: Option.Option<Redacted.Redacted>
  /** Bearer token `/metrics` requires (METRICS_TOKEN); none leaves it open. */
  readonly metricsToken: Option.Option<Redacted.Redacted>
  /** The EverShop shop whose catalog answers (EVERSHOP_URL ...); none means the demo catalog. */
  readonly evershop?: Option.Option<EverShopSettings> | undefined
  /** CHATBOT_ASSETS_DIR: a folder holding `static/` (pages, admin inbox) and `widget/` (the built widget); none means the checkout's own folders. */
  readonly assetsDir?: Option.Option<string> | undefined
}

/** EVERSHOP_URL, EVERSHOP_PUBLIC_URL, EVERSHOP_SECRET (change notices) and EVERSHOP_CACHE_TTL (30 s). */
export interface EverShopSettings {
  readonly url: string
  readonly publicUrl: string
  readonly secret: Option.Option<Redacted.Redacted>
  readonly cacheTtl: Duration.Duration
}

/** The settings as a service. */
export class ServerConfig extends Context.Tag("@chatbot-node/server/ServerConfig")<ServerConfig, ServerSettings>() {}

const invalid = (name: string, message: string) => ConfigError.InvalidData([name], message)

/** A duration as `10 seconds` or a number of seconds. */
const seconds = (name: string, fallback: Duration.Duration) =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) => {
      const trimmed = raw.trim()
      if (/^\d+(\.\d+)?$/.test(trimmed)) return Either.right(Duration.seconds(Number(trimmed)))
      const decoded = Duration.decodeUnknown(trimmed)
      return Option.isSome(decoded) ? Either.right(decoded.value) : Either.left(invalid(name, `expected seconds or a duration like "10 seconds", got "${raw}"`))
    }),
    Config.withDefault(fallback)
  )

const shopIdList = Config.string("SHOP_IDS").pipe(
  Config.mapOrFail((raw) => {
    const ids = raw.split(",").map((s) => s.trim()).filter((s) => s !== "")
    const bad = ids.find((id) => !Schema.is(Ids.ShopId)(id))
    return bad === undefined ? Either.right(ids.map((id) => Ids.ShopId.make(id))) : Either.left(invalid("SHOP_IDS", `"${bad}" is not a shop id`))
  }),
  Config.option
)

const cozeMode = Effect.gen(function*() {
  const botId = yield* Config.option(Config.string("COZE_BOT_ID"))
  const token = yield* Config.option(Config.string("COZE_API_TOKEN"))
  const clientId = yield* Config.option(Config.string("COZE_CLIENT_ID"))
  const credentials = Option.isSome(token) || Option.isSome(clientId)
  if (Option.isNone(botId)) {
    if (credentials) return yield* Effect.fail(ConfigError.MissingData(["COZE_BOT_ID"], "COZE_BOT_ID is required with Coze credentials"))
    return { _tag: "Demo" } as BotMode
  }
  if (!credentials) return yield* Effect.fail(ConfigError.MissingData(["COZE_API_TOKEN"], "COZE_API_TOKEN (or COZE_CLIENT_ID with a key) is required with COZE_BOT_ID"))
  if (!Schema.is(Ids.BotId)(botId.value)) return yield* Effect.fail(invalid("COZE_BOT_ID", "not a bot id"))
  return { _tag: "Coze", botId: Ids.BotId.make(botId.value) } as BotMode
})

/** The JWT secret: JWT_SECRET, or (outside production) one generated once and kept under DATA_DIR. */
const jwtSecret = (nodeEnv: string, dataDir: string) =>
  Effect.gen(function*() {
    const given = yield* Config.option(Config.redacted("JWT_SECRET"))
    if (Option.isSome(given)) {
      if (Redacted.value(given.value).length < 32) return yield* Effect.fail(invalid("JWT_SECRET", "must be at least 32 characters"))
      return given.value
    }
    if (nodeEnv === "production") return yield* Effect.fail(ConfigError.MissingData(["JWT_SECRET"], "JWT_SECRET is required in production"))
    const file = join(dataDir, "jwt-secret")
    const existing = yield* Effect.promise(() => readFile(file, "utf8").then((s) => s.trim(), () => ""))
    if (existing.length >= 32) return Redacted.make(existing)
    const fresh = randomBytes(32).toString("base64url")
    yield* Effect.tryPromise({
      try: async () => {
        await mkdir(dataDir, { recursive: true })
        await writeFile(file, fresh + "\n", { mode: 0o600 })
      },
      catch: (e) => invalid("DATA_DIR", `cannot write ${file}: ${String(e)}`)
    })
    return Redacted.make(fresh)
  })

const limit = (name: string, fallback: RateLimitPolicy.Limit) =>
  Config.string(name).pipe(
    Config.mapOrFail((raw) => Either.mapLeft(RateLimitPolicy.parseLimit(raw), (message) => invalid(name, message))),
    Config.withDefault(fallback)
  )

/** REDIS_URL as `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS). */
const redisUrl = Config.redacted("REDIS_URL").pipe(
  Config.mapOrFail((url) => {
    const protocol = URL.canParse(Redacted.value(url)) ? new URL(Redacted.value(url)).protocol : undefined
    return protocol === "redis:" || protocol === "rediss:" ? Either.right(url) : Either.left(invalid("REDIS_URL", "expected a redis:// or rediss:// URL"))
  }),
  Config.option
)

const evershop = Effect.gen(function*() {
  const url = yield* Config.option(Config.url("EVERSHOP_URL").pipe(Config.map((u) => u.toString().replace(/\/+$/, ""))))
  if (Option.isNone(url)) return Option.none<EverShopSettings>()
  const publicUrl = yield* Config.url("EVERSHOP_PUBLIC_URL").pipe(Config.map((u) => u.toString().replace(/\/+$/, "")), Config.withDefault(url.value))
  const secret = yield* Config.option(Config.redacted("EVERSHOP_SECRET"))
  const cacheTtl = yield* seconds("EVERSHOP_CACHE_TTL", Duration.seconds(30))
  return Option.some<EverShopSettings>({ url: url.value, publicUrl, secret, cacheTtl })
})

/** Reads every setting; a bad value fails naming its variable (e.g. `Invalid data at PORT`). */
export const load: Effect.Effect<ServerSettings, ConfigError.ConfigError> = Effect.gen(function*() {
  const nodeEnv = yield* Config.literal("development", "production", "test")("NODE_ENV").pipe(Config.withDefault("development" as const))
  const port = yield* Config.integer("PORT").pipe(
    Config.validate({ message: "expected a port number from 0 (any free port) to 65535", validation: (n) => n >= 0 && n <= 65535 }),
    Config.withDefault(3000)
  )
  const host = yield* Config.string("HOST").pipe(Config.withDefault("0.0.0.0"))
  const publicUrl = yield* Config.url("PUBLIC_URL").pipe(
    Config.map((u) => u.toString().replace(/\/+$/, "")),
    Config.withDefault(`http://localhost:${port}`)
  )
  const dataDir = yield* Config.string("DATA_DIR").pipe(Config.withDefault("./data"))
  const production = nodeEnv === "production"
  return {
    port,
    host,
    publicUrl,
    nodeEnv,
    dataDir,
    databaseUrl: yield* Config.option(Config.redacted("DATABASE_URL")),
    jwtSecret: yield* jwtSecret(nodeEnv, dataDir),
    adminEmail: yield* Config.option(Config.string("ADMIN_EMAIL")),
    adminPassword: yield* Config.option(Config.redacted("ADMIN_PASSWORD")),
    adminTokenTtl: yield* seconds("ADMIN_TOKEN_TTL", Duration.hours(12)),
    shutdownGrace: yield* seconds("SHUTDOWN_GRACE", Duration.seconds(10)),
    bot: yield* cozeMode,
    shopIds: yield* shopIdList,
    anonymousUserIds: yield* Config.boolean("ANONYMOUS_USER_IDS").pipe(Config.withDefault(!production)),
    demoTokenDelayMs: {
      min: yield* Config.integer("DEMO_TOKEN_DELAY_MIN_MS").pipe(Config.withDefault(15)),
      max: yield* Config.integer("DEMO_TOKEN_DELAY_MAX_MS").pipe(Config.withDefault(30))
    },
    heartbeat: yield* seconds("SSE_HEARTBEAT", Duration.seconds(15)),
    trustProxy: yield* Config.boolean("TRUST_PROXY").pipe(Config.withDefault(production)),
    rateLimits: {
      visitorMessages: yield* limit("RATE_LIMIT_VISITOR", RateLimitPolicy.defaults.visitorMessages),
      ipMessages: yield* limit("RATE_LIMIT_IP", RateLimitPolicy.defaults.ipMessages),
      ipLogins: yield* limit("RATE_LIMIT_LOGIN", RateLimitPolicy.defaults.ipLogins)
    },
    redisUrl: yield* redisUrl,
    metricsToken: yield* Config.option(Config.redacted("METRICS_TOKEN")),
    evershop: yield* evershop,
    assetsDir: yield* Config.option(Config.string("CHATBOT_ASSETS_DIR"))
  } satisfies ServerSettings
})

/** The settings as a layer, read from the ambient ConfigProvider (the environment by default). */
export const layer: Layer.Layer<ServerConfig, ConfigError.ConfigError> = Layer.effect(ServerConfig, load)
