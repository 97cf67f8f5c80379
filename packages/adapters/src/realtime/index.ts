/** RealtimeHubs shared by several server instances: PostgreSQL LISTEN/NOTIFY or Redis pub/sub. */
export * as NotifyChunks from "./NotifyChunks.js"
export * as PgRealtimeHub from "./PgRealtimeHub.js"
export * as RedisConnection from "./RedisConnection.js"
export * as RedisRealtimeHub from "./RedisRealtimeHub.js"
