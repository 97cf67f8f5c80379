import { HttpClientRequest } from "@effect/platform"
import { Bot, Errors, Ids, type NewBot } from "@chatbot-node/domain"
import { Effect, Option, Schema } from "effect"
import type { CozeDeps } from "./CozeDeps.js"
import * as CozeRetry from "./CozeRetry.js"
import { WireBotCreated, WireBotInfo, WireBotPage, WireBotPublished } from "./CozeWire.js"

/** The API connector a bot must be published to before `/v3/chat` answers for it. */
export const apiConnector = "1024"

/** What an owner may change on a bot; absent fields stay as they are. */
export interface BotChanges {
  readonly name?: string | undefined
  readonly description?: string | undefined
  readonly prompt?: string | undefined
  readonly prologue?: string | undefined
}

const session = ""
const pageSize = 50

const toBot = (id: string, name: string, description: string | null, published: boolean) =>
  new Bot.Bot({ id: Ids.BotId.make(id), name, provider: "coze", description: description ?? "", published })

const fields = (bot: BotChanges) => ({
  ...(bot.name !== undefined ? { name: bot.name } : {}),
  ...(bot.description !== undefined ? { description: bot.description } : {}),
  ...(bot.prompt !== undefined ? { prompt_info: { prompt: bot.prompt } } : {}),
  ...(bot.prologue !== undefined ? { onboarding_info: { prologue: bot.prologue } } : {})
})

/** The bots API: list (`/v1/bots`), get, create, update, publish to the API connector. */
export const make = (deps: CozeDeps) => {
  const call = <A, I>(
    path: string,
    request: (token: HttpClientRequest.HttpClientRequest) => HttpClientRequest.HttpClientRequest,
    data: Schema.Schema<A, I>,
    base: HttpClientRequest.HttpClientRequest
  ) =>
    CozeRetry.effect(deps.auth, deps.options, session, (token) =>
      deps.http.json(request(HttpClientRequest.bearerToken(base, token)), path, data))

  const workspace = Option.match(deps.options.workspaceId, {
    onNone: () =>
      Effect.fail(
        new Errors.BotGatewayError({ reason: "bad_request", message: "Coze: no workspace configured (COZE_WORKSPACE_ID)" })
      ),
    onSome: Effect.succeed
  })

  const page = (workspaceId: string, pageNum: number) =>
    call(
      "/v1/bots",
      HttpClientRequest.setUrlParams({
        workspace_id: workspaceId,
        publish_status: "all",
        page_num: String(pageNum),
        page_size: String(pageSize)
      }),
      WireBotPage,
      HttpClientRequest.get("/v1/bots")
    )

  /** Every bot of the workspace, published or not, across pages. */
  const listBots: Effect.Effect<ReadonlyArray<Bot.Bot>, Errors.BotGatewayError> = Effect.gen(function*() {
    const workspaceId = yield* workspace
    const bots: Array<Bot.Bot> = []
    for (let pageNum = 1;; pageNum++) {
      const { items, total } = yield* page(workspaceId, pageNum)
      const list = items ?? []
      for (const item of list) bots.push(toBot(item.id, item.name, item.description, item.is_published))
      if (list.length < pageSize || bots.length >= total) return bots
    }
  })

  /** One bot's published configuration (`GET /v1/bots/:bot_id`). */
  const getBot = (botId: string): Effect.Effect<Bot.Bot, Errors.BotGatewayError> =>
    Effect.map(
      call(
        "/v1/bots/:bot_id",
        (r) => r,
        WireBotInfo,
        HttpClientRequest.get(`/v1/bots/${encodeURIComponent(botId)}`)
      ),
      (info) => toBot(info.bot_id, info.name, info.description, true)
    )

  /** Publishes a bot to the API connector ("1024"); returns the new version. */
  const publishBot = (botId: string): Effect.Effect<string, Errors.BotGatewayError> =>
    Effect.map(
      call(
        "/v1/bot/publish",
        HttpClientRequest.bodyUnsafeJson({ bot_id: botId, connector_ids: [apiConnector] }),
        WireBotPublished,
        HttpClientRequest.post("/v1/bot/publish")
      ),
      (published) => published.version ?? ""
    )

  /** Creates a bot in the workspace and publishes it to the API connector. */
  const createBot = (bot: NewBot): Effect.Effect<Bot.Bot, Errors.BotGatewayError> =>
    Effect.gen(function*() {
      const workspaceId = yield* workspace
      const created = yield* call(
        "/v1/bot/create",
        HttpClientRequest.bodyUnsafeJson({ space_id: workspaceId, ...fields(bot) }),
        WireBotCreated,
        HttpClientRequest.post("/v1/bot/create")
      )
      yield* publishBot(created.bot_id)
      return toBot(created.bot_id, bot.name, bot.description ?? "", true)
    })

  /** Changes a bot and publishes the change to the API connector. */
  const updateBot = (botId: string, changes: BotChanges): Effect.Effect<void, Errors.BotGatewayError> =>
    Effect.gen(function*() {
      yield* call(
        "/v1/bot/update",
        HttpClientRequest.bodyUnsafeJson({ bot_id: botId, ...fields(changes) }),
        Schema.Unknown,
        HttpClientRequest.post("/v1/bot/update")
      )
      yield* publishBot(botId)
    })

  return { listBots, getBot, createBot, updateBot, publishBot }
}
