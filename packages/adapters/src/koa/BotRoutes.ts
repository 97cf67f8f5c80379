import { Bot, BotGateway, Errors } from "@chatbot-node/domain"
import type Router from "@koa/router"
import { Effect, Schema } from "effect"
import type Koa from "koa"
import type { AdminTokens } from "./AdminTokens.js"
import { ApiError } from "./ApiError.js"
import { decodeBody } from "./ChatBody.js"
import { requestLocale, type Handler } from "./Handler.js"
import { readJson } from "./RequestBody.js"
import { requireAdmin, requireOwner } from "./StaffAuth.js"

/** What the bot routes need. */
export type BotRoutesR = BotGateway | AdminTokens

const NewBotBody = Schema.Struct({
  name: Schema.String.pipe(Schema.trimmed(), Schema.minLength(1), Schema.maxLength(100)),
  description: Schema.optional(Schema.String.pipe(Schema.maxLength(500))),
  prompt: Schema.optional(Schema.String.pipe(Schema.maxLength(20_000))),
  prologue: Schema.optional(Schema.String.pipe(Schema.maxLength(1000)))
})

const encodeBot = Schema.encodeSync(Bot.Bot)

/** A platform's refusal as the client sees it: the reason, never the vendor's message or log id. */
const platformError = (e: Errors.BotGatewayError) => {
  switch (e.reason) {
    case "permission":
    case "auth":
    case "not_published":
      return new ApiError({ status: 403, code: "bot_platform_refused", message: "The bot platform refused this request." })
    case "bad_request":
      return new ApiError({ status: 400, code: "bad_request", message: "The bot platform could not understand this request." })
    case "throttled":
      return new ApiError({ status: 429, code: "rate_limited", message: "The bot platform is busy. Please try again in a moment." })
    default:
      return new ApiError({ status: 502, code: "bot_unavailable", message: "The bot platform cannot answer right now." })
  }
}

/** `GET /api/coze/bots`: the bots of the platform (the demo bot without Coze), for any admin. */
export const listBots: Handler<BotRoutesR> = (ctx) =>
  Effect.gen(function*() {
    yield* requireAdmin(ctx)
    const bots = yield* (yield* BotGateway).listBots.pipe(Effect.mapError(platformError))
    ctx.set("Cache-Control", "no-store")
    ctx.body = { bots: bots.map((b) => encodeBot(b)) }
  })

/** `POST /api/coze/bots {name, description?, prompt?, prologue?}`: creates a bot on the platform; owners only. */
export const createBot = (bodyLimitBytes: number): Handler<BotRoutesR> => (ctx) =>
  Effect.gen(function*() {
    yield* requireOwner(ctx)
    const locale = requestLocale(ctx)
    const body = yield* decodeBody(NewBotBody, yield* readJson(ctx.req, { limit: bodyLimitBytes, locale }), locale)
    const bot = yield* (yield* BotGateway).createBot(body).pipe(Effect.mapError(platformError))
    ctx.status = 201
    ctx.body = { bot: encodeBot(bot) }
  })

/** Adds the bot routes to a router. */
export const addBotRoutes = (router: Router, wrap: (h: Handler<BotRoutesR>) => Koa.Middleware, bodyLimitBytes: number) => {
  router.get("/api/coze/bots", wrap(listBots))
  router.post("/api/coze/bots", wrap(createBot(bodyLimitBytes)))
  return router
}
