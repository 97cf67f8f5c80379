import { type ChatErrors, Locale } from "@chatbot-node/domain"
import { Cause, Effect, Exit, Fiber, Option, Runtime } from "effect"
import type Koa from "koa"
import { ApiError, toResponse } from "./ApiError.js"
import * as RequestId from "./RequestId.js"

/** A route's work as an Effect; it writes `ctx` itself, and fails with what the client may see. */
export type Handler<R> = (ctx: Koa.Context) => Effect.Effect<void, ApiError | ChatErrors.ChatFailure, R>

/** The visitor's locale for error messages: the one the body named, else Accept-Language, else English. */
export const requestLocale = (ctx: Koa.Context): Locale.Locale => {
  const chosen = ctx.state.locale as Locale.Locale | undefined
  if (chosen !== undefined) return chosen
  const header = ctx.get("accept-language")
  return Option.getOrElse(Locale.fromTags(header.split(",").map((t) => t.split(";")[0] ?? "")), () => "en" as const)
}

const internal = { error: { code: "internal", message: "Something went wrong. Please try again." } }

/**
 * Runs a handler through the application's runtime (never a bare `Effect.runPromise`): typed
 * failures become JSON errors, defects a generic 500 (logged, never shown), and a client that goes
 * away interrupts the handler's fiber (a reply keeps running in the domain's background).
 */
export const run = <R>(runtime: Runtime.Runtime<R>) => (handler: Handler<R>): Koa.Middleware => async (ctx) => {
  const program = handler(ctx).pipe(
    Effect.annotateLogs({ requestId: RequestId.of(ctx), method: ctx.method, path: ctx.path }),
    Effect.catchAll((error) =>
      Effect.sync(() => {
        const response = toResponse(error, requestLocale(ctx))
        ctx.status = response.status
        ctx.body = response.body
      })
    )
  )
  const fiber = Runtime.runFork(runtime)(program)
  const onClose = () => {
    if (!ctx.res.writableFinished) Effect.runFork(Fiber.interrupt(fiber))
  }
  ctx.res.once("close", onClose)
  const exit = await new Promise<Exit.Exit<void, never>>((resolve) => fiber.addObserver(resolve))
  ctx.res.off("close", onClose)
  if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) {
    Runtime.runFork(runtime)(Effect.logError("request failed", exit.cause).pipe(Effect.annotateLogs({ requestId: RequestId.of(ctx), method: ctx.method, path: ctx.path })))
    if (!ctx.headerSent && ctx.respond !== false) {
      ctx.status = 500
      ctx.body = internal
    }
  }
}

/** The bearer token of the request, if any. */
export const bearer = (ctx: Koa.Context): Option.Option<string> => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get("authorization"))
  return Option.fromNullable(match?.[1])
}

/** A 4xx refusal with a code and a sentence. */
export const refuse = (status: number, code: string, message: string) => new ApiError({ status, code, message })
