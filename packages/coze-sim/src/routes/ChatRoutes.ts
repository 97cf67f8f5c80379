import { type Fault } from "../Faults.js"
import { play, timingOf, type Step } from "../ChatPlayer.js"
import { ChatScript, publicChat, publicMessage } from "../ChatScripts.js"
import { CozeFailure, decodeOr4000, type Exchange, readJson, requireQuery, sendOk } from "../Http.js"
import { detectLanguage } from "../Language.js"
import { nextId, nowSeconds } from "../SimIds.js"
import { SseSink } from "../SseSink.js"
import type { SimChat, SimConversation, SimMessage, SimState } from "../SimState.js"
import { CancelRequest, ChatRequest, type EnterMessage, SubmitToolOutputsRequest } from "../WireSchemas.js"
import { newConversation } from "./ConversationRoutes.js"

/** How long a non-streamed chat stays in progress when the simulator is unpaced. */
const pollDelayMs = 30

const errorKinds: ReadonlyArray<Fault["kind"]> = ["busy", "throttled", "jsonErrorOnStream"]
const runKinds: ReadonlyArray<Fault["kind"]> = ["slowTokens", "malformedSse", "dropMidStream", "chatFailed", "errorEvent"]

/** Turns an error fault into the refusal it stands for. */
const refuseFromFaults = (faults: ReadonlyArray<Fault>): void => {
  for (const f of faults) {
    if (f.kind === "busy") throw new CozeFailure(4016, "Conversation occupied: a chat is already in progress in this conversation")
    if (f.kind === "throttled") {
      throw f.retryAfterSeconds !== undefined
        ? new CozeFailure(4009, "The system request limit has been reached, please try again later", 429, { "Retry-After": String(f.retryAfterSeconds) })
        : new CozeFailure(4009, "The system request limit has been reached, please try again later")
    }
    if (f.kind === "jsonErrorOnStream") throw new CozeFailure(f.code, f.msg)
  }
}

/** The text of a user message (the `text` item of an object_string). */
const textOf = (m: EnterMessage): string => {
  const content = m.content ?? ""
  if (m.content_type !== "object_string") return content
  try {
    const items = JSON.parse(content) as Array<{ type?: string; text?: string }>
    return items.find((i) => i.type === "text")?.text ?? ""
  } catch {
    throw new CozeFailure(4000, "invalid parameter: object_string content is not a JSON array")
  }
}

const toMessage = (conversation: SimConversation, chat: SimChat, m: EnterMessage): SimMessage => {
  const now = nowSeconds()
  return {
    id: nextId(), conversation_id: conversation.id, bot_id: chat.bot_id, chat_id: chat.id, role: m.role,
    type: m.type ?? (m.role === "user" ? "question" : "answer"), content: m.content ?? "",
    content_type: m.content_type ?? "text", meta_data: { ...m.meta_data }, created_at: now, updated_at: now,
    section_id: conversation.last_section_id
  }
}

/** Streams the steps on this response, or (not streamed) answers the chat object now and plays the rest later. */
const run = async (ex: Exchange, chat: SimChat, steps: ReadonlyArray<Step>, streamed: boolean, faults: ReadonlyArray<Fault>): Promise<void> => {
  const state = ex.state
  const isClosed = () => state.closed
  if (streamed) {
    const sink = new SseSink(ex, state.streamCount++)
    sink.open()
    await play(steps, sink, timingOf(state.pace, faults, 0), faults, isClosed)
    return
  }
  const [first, second, ...rest] = steps
  first?.run()
  second?.run()
  sendOk(ex, publicChat(chat))
  void play(rest, undefined, timingOf(state.pace, faults, pollDelayMs), faults, isClosed)
}

/** `POST /v3/chat`: starts a chat, streamed (SSE) or not. */
export const handleChat = async (ex: Exchange): Promise<void> => {
  const state = ex.state
  const body = decodeOr4000(ChatRequest, await readJson(ex))
  const streamed = body.stream === true
  const bot = state.bots.get(body.bot_id)
  if (bot === undefined) throw new CozeFailure(4006, `bot_id ${body.bot_id} is invalid or you have no permission`)
  if (!bot.published && body.publish_status !== "unpublished_draft") {
    throw new CozeFailure(4015, "The bot has not been published to the API channel")
  }
  if (!streamed && body.auto_save_history === false) throw new CozeFailure(4007, "stream=false requires auto_save_history=true")
  const conversationId = ex.query.get("conversation_id")
  const existing = conversationId === null || conversationId === "" ? undefined : state.conversations.get(conversationId)
  if (conversationId !== null && conversationId !== "" && existing === undefined) throw new CozeFailure(4002, "conversation_id is invalid")
  const messages = body.additional_messages ?? []
  const last = messages.at(-1)
  if (last === undefined && (existing === undefined || existing.messages.length === 0)) {
    throw new CozeFailure(4000, "invalid parameter: additional_messages is required for an empty conversation")
  }
  if (last !== undefined && last.role !== "user") throw new CozeFailure(4000, "invalid parameter: the last additional message must have role user")
  if (existing?.runningChatId !== undefined) throw new CozeFailure(4016, "Conversation occupied: a chat is already in progress in this conversation")
  refuseFromFaults(state.faults.take(ex.path, streamed, errorKinds))
  const faults = state.faults.take(ex.path, streamed, runKinds)

  const conversation = existing ?? newConversation(state, { bot_id: bot.id })
  const previousQuestion = [...conversation.messages].reverse().find((m) => m.role === "user")?.content ?? ""
  const question = last !== undefined ? textOf(last) : previousQuestion
  const chat: SimChat = {
    id: nextId(), conversation_id: conversation.id, bot_id: bot.id, created_at: nowSeconds(), status: "created",
    last_error: { code: 0, msg: "" }, meta_data: { ...body.meta_data }, section_id: conversation.last_section_id,
    question, language: detectLanguage(question), kind: bot.kind, messages: []
  }
  for (const m of messages) conversation.messages.push(toMessage(conversation, chat, m))
  conversation.runningChatId = chat.id
  state.chats.set(chat.id, chat)
  state.stats.chats += 1
  const script = new ChatScript(conversation, chat, state.streamCount)
  await run(ex, chat, script.turn(faults), streamed, faults)
}

const findChat = (state: SimState, conversationId: string, chatId: string): { chat: SimChat; conversation: SimConversation } => {
  const conversation = state.conversations.get(conversationId)
  if (conversation === undefined) throw new CozeFailure(4002, "conversation_id is invalid")
  const chat = state.chats.get(chatId)
  if (chat === undefined || chat.conversation_id !== conversationId) throw new CozeFailure(4001, "chat_id is invalid")
  return { chat, conversation }
}

/** `GET|POST /v3/chat/retrieve?conversation_id&chat_id`: the chat object. */
export const handleRetrieve = (ex: Exchange): void => {
  const { chat } = findChat(ex.state, requireQuery(ex, "conversation_id"), requireQuery(ex, "chat_id"))
  sendOk(ex, publicChat(chat))
}

/** `GET /v3/chat/message/list?conversation_id&chat_id`: the chat's messages except the user query. */
export const handleChatMessages = (ex: Exchange): void => {
  const { chat } = findChat(ex.state, requireQuery(ex, "conversation_id"), requireQuery(ex, "chat_id"))
  sendOk(ex, chat.messages.map(publicMessage))
}

/** `POST /v3/chat/submit_tool_outputs?conversation_id&chat_id`: continues a chat waiting on tool outputs. */
export const handleSubmitToolOutputs = async (ex: Exchange): Promise<void> => {
  const state = ex.state
  const body = decodeOr4000(SubmitToolOutputsRequest, await readJson(ex))
  const { chat, conversation } = findChat(state, requireQuery(ex, "conversation_id"), requireQuery(ex, "chat_id"))
  if (chat.status !== "requires_action" || chat.required_action === undefined) {
    throw new CozeFailure(4000, "invalid parameter: the chat is not waiting for tool outputs")
  }
  const wanted = chat.required_action.submit_tool_outputs.tool_calls.map((c) => c.id)
  const given = new Set(body.tool_outputs.map((o) => o.tool_call_id))
  if (!wanted.every((id) => given.has(id))) throw new CozeFailure(4000, "invalid parameter: tool_call_id does not match the required action")
  if (conversation.runningChatId !== undefined) throw new CozeFailure(4016, "Conversation occupied: a chat is already in progress in this conversation")
  const streamed = body.stream === true
  refuseFromFaults(state.faults.take(ex.path, streamed, errorKinds))
  const faults = state.faults.take(ex.path, streamed, runKinds)
  state.stats.submits += 1
  conversation.runningChatId = chat.id
  chat.status = "in_progress"
  delete chat.required_action
  const script = new ChatScript(conversation, chat, state.streamCount)
  const steps = script.continuation(body.tool_outputs.map((o) => o.output).join("\n"), faults)
  await run(ex, chat, streamed ? steps : [{ event: "noop", run: () => undefined }, ...steps], streamed, faults)
}

/** `POST /v3/chat/cancel` with the ids in the body: cancels a created or in-progress chat (else 4104). */
export const handleCancel = async (ex: Exchange): Promise<void> => {
  const state = ex.state
  const body = decodeOr4000(CancelRequest, await readJson(ex))
  state.stats.cancels += 1
  const { chat, conversation } = findChat(state, body.conversation_id, body.chat_id)
  if (chat.status !== "created" && chat.status !== "in_progress") {
    throw new CozeFailure(4104, `the chat is ${chat.status} and cannot be canceled`)
  }
  chat.status = "canceled"
  if (conversation.runningChatId === chat.id) conversation.runningChatId = undefined
  sendOk(ex, publicChat(chat))
}
