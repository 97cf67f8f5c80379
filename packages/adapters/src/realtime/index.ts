/** RealtimeHubs shared by several server instances: PostgreSQL LISTEN/NOTIFY. */
export * as NotifyChunks from "./NotifyChunks.js"
export * as PgRealtimeHub from "./PgRealtimeHub.js"
