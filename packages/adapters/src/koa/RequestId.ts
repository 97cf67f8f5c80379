import { randomUUID } from "node:crypto"
import type Koa from "koa"

const acceptable = /^[A-Za-z0-9._:-]{1,64}$/

/**
 * Gives every request an id for the logs: the proxy's `X-Request-Id` when it is a sane token
 * (Fly and most proxies set one), else a fresh UUID; echoed in the response's `X-Request-Id`.
 */
export const middleware: Koa.Middleware = async (ctx, next) => {
  const incoming = ctx.get("x-request-id")
  const id = acceptable.test(incoming) ? incoming : randomUUID()
  ctx.state.requestId = id
  ctx.set("X-Request-Id", id)
  await next()
}

/** The request's id, once the middleware ran. */
export const of = (ctx: Koa.Context): string => (typeof ctx.state.requestId === "string" ? ctx.state.requestId : "-")
