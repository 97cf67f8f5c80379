/** Realtime in and out over Socket.io: the visitor and agent namespaces on the server's HTTP server. */
export * as AgentNamespace from "./AgentNamespace.js"
export * as SocketAcks from "./SocketAcks.js"
export * as SocketServer from "./SocketServer.js"
export * as SocketSession from "./SocketSession.js"
export * as TokenBucket from "./TokenBucket.js"
export * as VisitorNamespace from "./VisitorNamespace.js"
