import { decodeOr4000, CozeFailure, type Exchange, readJson, requireQuery, sendJson, sendOk } from "../Http.js"
import { nextId, nowSeconds } from "../SimIds.js"
import type { SimConversation, SimState } from "../SimState.js"
import { ConversationCreateRequest, MessageListRequest } from "../WireSchemas.js"

/** Creates and remembers an empty conversation. */
export const newConversation = (state: SimState, init: { bot_id?: string | undefined; name?: string | undefined; meta_data?: Record<string, string> | undefined }): SimConversation => {
  const conversation: SimConversation = {
    id: nextId(), created_at: nowSeconds(), meta_data: { ...init.meta_data }, last_section_id: nextId(), messages: []
  }
  if (init.bot_id !== undefined) conversation.bot_id = init.bot_id
  if (init.name !== undefined) conversation.name = init.name
  state.conversations.set(conversation.id, conversation)
  return conversation
}

/** `POST /v1/conversation/create`: a new conversation, optionally seeded with messages. */
export const handleConversationCreate = async (ex: Exchange): Promise<void> => {
  const body = decodeOr4000(ConversationCreateRequest, (await readJson(ex)) ?? {})
  if (body.bot_id !== undefined && !ex.state.bots.has(body.bot_id)) throw new CozeFailure(4006, `bot_id ${body.bot_id} is invalid`)
  const conversation = newConversation(ex.state, body)
  const now = nowSeconds()
  for (const m of body.messages ?? []) {
    conversation.messages.push({
      id: nextId(), conversation_id: conversation.id, bot_id: body.bot_id ?? "", chat_id: "", role: m.role,
      type: m.type ?? (m.role === "user" ? "question" : "answer"), content: m.content ?? "", content_type: m.content_type ?? "text",
      meta_data: { ...m.meta_data }, created_at: now, updated_at: now, section_id: conversation.last_section_id
    })
  }
  sendOk(ex, {
    id: conversation.id, created_at: conversation.created_at, meta_data: conversation.meta_data,
    last_section_id: conversation.last_section_id, connector_id: body.connector_id ?? "1024",
    ...(conversation.name !== undefined ? { name: conversation.name } : {})
  })
}

/**
 * `POST /v1/conversation/message/list?conversation_id`: the conversation's questions and answers, with
 * the payload at top level (`data`, `first_id`, `last_id`, `has_more`).
 */
export const handleConversationMessages = async (ex: Exchange): Promise<void> => {
  const body = decodeOr4000(MessageListRequest, (await readJson(ex)) ?? {})
  const conversation = ex.state.conversations.get(requireQuery(ex, "conversation_id"))
  if (conversation === undefined) throw new CozeFailure(4002, "conversation_id is invalid")
  let list = conversation.messages.filter((m) =>
    m.type === "question" || m.type === "answer" || (body.include_middle_message === true && m.type !== "verbose"))
  if (body.chat_id !== undefined) list = list.filter((m) => m.chat_id === body.chat_id)
  const at = (id: string) => list.findIndex((m) => m.id === id)
  if (body.before_id !== undefined) list = list.slice(0, Math.max(0, at(body.before_id)))
  if (body.after_id !== undefined) list = list.slice(at(body.after_id) + 1)
  const ordered = body.order === "asc" ? list : [...list].reverse()
  const limit = body.limit ?? 50
  const page = ordered.slice(0, limit)
  const hasMore = ordered.length > page.length
  sendJson(ex, 200, {
    code: 0, msg: "", data: page, first_id: page[0]?.id ?? "", last_id: page.at(-1)?.id ?? "", has_more: hasMore,
    detail: { logid: ex.logId }
  })
}
