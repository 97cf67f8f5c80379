import { Chat, Handoff, History } from "@chatbot-node/domain"
import { DemoCatalog } from "@chatbot-node/adapters/catalog/demo"
import { CatalogInvalidation, EverShopCatalog } from "@chatbot-node/adapters/catalog/evershop"
import { CozeBotGateway } from "@chatbot-node/adapters/coze"
import { UndiciHttpClient } from "@chatbot-node/adapters/http"
import { AdminTokens, Metrics, OriginPolicy, RateLimiter, VisitorTokens } from "@chatbot-node/adapters/koa"
import { LocalBotGateway } from "@chatbot-node/adapters/localbot"
import { Database, PgAdminDirectory, PgConversationStore, PgShopDirectory } from "@chatbot-node/adapters/postgres"
import { Config, Effect, Layer, Option } from "effect"
import * as ServerConfigModule from "./Config.js"
import { ServerConfig } from "./Config.js"
import * as FirstAdmin from "./FirstAdmin.js"
import * as Realtime from "./Realtime.js"
import * as CachedShops from "./CachedShops.js"
import * as ServedShops from "./ServedShops.js"

/** The database the settings name: PostgreSQL at DATABASE_URL, else PGlite under DATA_DIR; migrated. */
export const DatabaseLive = Layer.unwrapEffect(
  Effect.map(ServerConfig, (s) => Database.layerConfig(Config.succeed({ url: s.databaseUrl, dataDir: s.dataDir })))
)

/** The bot: Coze (one bot for every shop, reached with undici) with credentials, else the offline demo bot. */
export const BotLive = Layer.unwrapEffect(
  Effect.map(ServerConfig, (s) =>
    s.bot._tag === "Coze"
      ? Layer.provide(CozeBotGateway.layerConfig(), UndiciHttpClient.layer)
      : LocalBotGateway.layer({ tokenDelayMs: s.demoTokenDelayMs }))
)

/** Prometheus metrics, and the bot measured (time to first token, failures by code). */
export const MeteredBotLive = Metrics.meterBotGateway.pipe(Layer.provide(BotLive), Layer.provideMerge(Metrics.layer))

/** Rate limits (the domain's policy, configured): counted in Redis, else PostgreSQL, else memory. */
export const RateLimiterLive = Layer.unwrapEffect(
  Effect.map(ServerConfig, (s) =>
    RateLimiter.layer({
      limits: s.rateLimits,
      store: Option.isSome(s.redisUrl)
        ? { _tag: "redis", url: s.redisUrl.value }
        : Option.isSome(s.databaseUrl)
        ? { _tag: "postgres", url: s.databaseUrl.value }
        : { _tag: "memory" }
    }))
)

/** Which origins may call the API and frame the pages: each shop's own; any outside production. */
export const OriginPolicyLive = Layer.unwrapEffect(
  Effect.map(ServerConfig, (s) => OriginPolicy.layer({ ownOrigin: new URL(s.publicUrl).origin, openWhenUnconfigured: s.nodeEnv !== "production" }))
)

/** The catalog: the EverShop shop at EVERSHOP_URL (cached, invalidated by its extension), else the demo catalog. */
export const CatalogLive = Layer.unwrapEffect(Effect.map(ServerConfig, (s) =>
  Option.match(s.evershop ?? Option.none(), {
    onNone: () => Layer.merge(DemoCatalog.layer({ baseUrl: s.publicUrl }), CatalogInvalidation.disabled),
    onSome: (e) => EverShopCatalog.layer({ url: e.url, publicUrl: e.publicUrl, secret: e.secret, cacheTtl: e.cacheTtl }).pipe(Layer.provide(UndiciHttpClient.layer))
  })))

/** Stores on the database, with the shop directory serving default settings to unconfigured shops, its reads cached a few seconds. */
export const StoresLive = Layer.unwrapEffect(
  Effect.map(ServerConfig, (s) =>
    Layer.mergeAll(CachedShops.layer().pipe(Layer.provide(ServedShops.layer(s)), Layer.provide(PgShopDirectory.layer)), PgConversationStore.layer, PgAdminDirectory.layer))
).pipe(Layer.provideMerge(DatabaseLive))

/** Visitor tokens signed with JWT_SECRET, valid for 30 days. */
export const TokensLive = Layer.unwrapEffect(
  Effect.map(ServerConfig, (s) => VisitorTokens.layer({ secret: s.jwtSecret, ttl: "30 days" }))
)

/** Staff tokens signed with JWT_SECRET (a key derived apart from the visitors'), valid for ADMIN_TOKEN_TTL (12 h). */
export const AdminTokensLive = Layer.unwrapEffect(
  Effect.map(ServerConfig, (s) => AdminTokens.layer({ secret: s.jwtSecret, ttl: s.adminTokenTtl }))
)

/** Every port and use case the HTTP server needs, built once. */
export const ServicesLive = Layer.mergeAll(Handoff.Default, History.Default, AdminTokensLive, FirstAdmin.layer, RateLimiterLive, OriginPolicyLive).pipe(
  Layer.provideMerge(Chat.Default),
  Layer.provideMerge(Layer.mergeAll(StoresLive, MeteredBotLive, CatalogLive, Realtime.HubLive, TokensLive)),
  Layer.provideMerge(ServerConfigModule.layer)
)
