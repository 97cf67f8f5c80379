/** The HTTP API on Koa 3: the seed's chat routes (JSON and SSE), visitor sessions, history, health. */
export * as AdminTokens from "./AdminTokens.js"
export * as ApiError from "./ApiError.js"
export * as KoaApp from "./KoaApp.js"
export * as PasswordHash from "./PasswordHash.js"
export * as RequestBody from "./RequestBody.js"
export * as StaffAuth from "./StaffAuth.js"
export * as VisitorTokens from "./VisitorTokens.js"
