import { CozeFailure, decodeOr4000, type Exchange, readJson, requireQuery, sendOk } from "../Http.js"
import { nextId, nowSeconds } from "../SimIds.js"
import type { BotKind, SimBot, SimState } from "../SimState.js"
import { BotCreateRequest, BotPublishRequest, BotUpdateRequest } from "../WireSchemas.js"

/** The simulated account's user id (owner of the workspace and its bots). */
export const ownerUserId = "7000000000000000042"

/** Adds a bot to the simulated workspace. */
export const addBot = (state: SimState, name: string, kind: BotKind, published: boolean): SimBot => {
  const now = nowSeconds()
  const bot: SimBot = {
    id: nextId(), name, description: `Scripted ${kind} bot`, kind, published, version: published ? String(Date.now()) : "",
    prompt: "You are a helpful shop assistant.", prologue: "Hello! How can I help you today?", created_at: now, updated_at: now
  }
  state.bots.set(bot.id, bot)
  return bot
}

const findBot = (state: SimState, id: string): SimBot => {
  const bot = state.bots.get(id)
  if (bot === undefined) throw new CozeFailure(4006, `bot_id ${id} is invalid or you have no permission`)
  return bot
}

const requireWorkspace = (state: SimState, id: string): void => {
  if (id !== state.workspaceId) throw new CozeFailure(4101, "no permission for this workspace")
}

/** `GET /v1/bots?workspace_id`: the workspace's bots, filtered by `publish_status` (default published_online). */
export const handleListBots = (ex: Exchange): void => {
  requireWorkspace(ex.state, requireQuery(ex, "workspace_id"))
  const status = ex.query.get("publish_status") ?? "published_online"
  const all = [...ex.state.bots.values()].filter((b) =>
    status === "all" ? true : status === "unpublished_draft" ? !b.published : b.published)
  const pageNum = Math.max(1, Number(ex.query.get("page_num") ?? "1") || 1)
  const pageSize = Math.max(1, Number(ex.query.get("page_size") ?? "20") || 20)
  const items = all.slice((pageNum - 1) * pageSize, pageNum * pageSize).map((b) => ({
    id: b.id, name: b.name, icon_url: "", description: b.description, updated_at: String(b.updated_at),
    is_published: b.published, ...(b.published ? { published_at: String(b.updated_at) } : {}),
    owner_user_id: ownerUserId, folder_id: ""
  }))
  sendOk(ex, { total: all.length, items })
}

/** `GET /v1/bots/:bot_id`: the BotInfo. */
export const handleGetBot = (ex: Exchange, id: string): void => {
  const b = findBot(ex.state, id)
  sendOk(ex, {
    bot_id: b.id, name: b.name, description: b.description, icon_url: "", create_time: b.created_at, update_time: b.updated_at,
    version: b.version, bot_mode: 0, prompt_info: { prompt: b.prompt, prompt_mode: "standard" },
    onboarding_info: { prologue: b.prologue, suggested_questions: [] }, plugin_info_list: [],
    model_info: { model_id: "1737521813", model_name: "Doubao-1.5-pro-32k" }, knowledge: { knowledge_infos: [] },
    variables: [], shortcut_commands: [], workflow_info_list: [], owner_user_id: ownerUserId, folder_id: ""
  })
}

/** `POST /v1/bot/create`: a new (unpublished, plain) bot in the workspace. */
export const handleCreateBot = async (ex: Exchange): Promise<void> => {
  const body = decodeOr4000(BotCreateRequest, await readJson(ex))
  requireWorkspace(ex.state, body.space_id)
  const bot = addBot(ex.state, body.name, "plain", false)
  bot.description = body.description ?? ""
  if (body.prompt_info?.prompt !== undefined) bot.prompt = body.prompt_info.prompt
  if (body.onboarding_info?.prologue !== undefined) bot.prologue = body.onboarding_info.prologue
  sendOk(ex, { bot_id: bot.id })
}

/** `POST /v1/bot/update`: changes a bot's draft; the answer has no `data`. */
export const handleUpdateBot = async (ex: Exchange): Promise<void> => {
  const body = decodeOr4000(BotUpdateRequest, await readJson(ex))
  const bot = findBot(ex.state, body.bot_id)
  if (body.name !== undefined) bot.name = body.name
  if (body.description !== undefined) bot.description = body.description
  if (body.prompt_info?.prompt !== undefined) bot.prompt = body.prompt_info.prompt
  if (body.onboarding_info?.prologue !== undefined) bot.prologue = body.onboarding_info.prologue
  bot.updated_at = nowSeconds()
  sendOk(ex)
}

/** `POST /v1/bot/publish`: publishing to connector "1024" (API) makes the bot usable by `/v3/chat`. */
export const handlePublishBot = async (ex: Exchange): Promise<void> => {
  const body = decodeOr4000(BotPublishRequest, await readJson(ex))
  const bot = findBot(ex.state, body.bot_id)
  if (body.connector_ids.includes("1024")) bot.published = true
  bot.version = String(Date.now())
  bot.updated_at = nowSeconds()
  sendOk(ex, { bot_id: bot.id, version: bot.version })
}

/** `GET /v1/workspaces`: the account's one personal workspace. */
export const handleWorkspaces = (ex: Exchange): void => {
  sendOk(ex, {
    total_count: 1,
    workspaces: [{
      id: ex.state.workspaceId, name: "Personal", icon_url: "", role_type: "owner", workspace_type: "personal",
      enterprise_id: "", owner_uid: ownerUserId, admin_uids: [], description: "The simulated personal workspace", joined_status: "joined"
    }]
  })
}
