import type { BotTurn, KeyedLock, ToolOutputs } from "@chatbot-node/domain"
import { HttpClientRequest } from "@effect/platform"
import { Option, type Redacted } from "effect"
import type { CozeAuth } from "./CozeAuth.js"
import type { ResolvedCozeOptions } from "./CozeConfig.js"
import type { CozeHttp } from "./CozeHttp.js"

/** What the chat, poll and bot modules share: options, the HTTP surface, auth and the per-conversation locks. */
export interface CozeDeps {
  readonly options: ResolvedCozeOptions
  readonly http: CozeHttp
  readonly auth: CozeAuth
  /** One chat at a time per upstream conversation: Coze refuses a second running one (4016). */
  readonly locks: KeyedLock.KeyedLock<string>
}

/** Coze prompt variables may hold only letters and `_` in their names. */
const variableName = (key: string) => key.replace(/[^A-Za-z_]/g, "_")

/** The `/v3/chat` body for a visitor's turn (streamed or not). */
export const chatBody = (turn: BotTurn, stream: boolean) => {
  const customVariables: Record<string, string> = {}
  for (const [key, value] of Object.entries(turn.context)) customVariables[variableName(key)] = value
  customVariables["locale"] = turn.locale
  return {
    bot_id: turn.botId,
    user_id: turn.visitorId,
    stream,
    auto_save_history: true,
    additional_messages: [{ role: "user", type: "question", content: turn.text, content_type: "text" }],
    custom_variables: customVariables
  }
}

/** The `POST /v3/chat` request for a visitor's turn, continuing its Coze conversation when it has one. */
export const chatRequest = (turn: BotTurn, stream: boolean) => (token: Redacted.Redacted<string>): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.post("/v3/chat").pipe(
    Option.match(turn.upstreamConversationId, {
      onNone: () => (r: HttpClientRequest.HttpClientRequest) => r,
      onSome: (id) => HttpClientRequest.setUrlParam("conversation_id", id)
    }),
    HttpClientRequest.bearerToken(token),
    HttpClientRequest.bodyUnsafeJson(chatBody(turn, stream))
  )

/** The `POST /v3/chat/submit_tool_outputs` request answering a chat's pending tool calls (ids in the query). */
export const toolOutputsRequest = (outputs: ToolOutputs, stream: boolean) => (token: Redacted.Redacted<string>): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.post("/v3/chat/submit_tool_outputs").pipe(
    HttpClientRequest.setUrlParams({ conversation_id: outputs.upstreamConversationId, chat_id: outputs.chatId }),
    HttpClientRequest.bearerToken(token),
    HttpClientRequest.bodyUnsafeJson({
      tool_outputs: outputs.outputs.map((o) => ({ tool_call_id: o.toolCallId, output: o.output })),
      stream
    })
  )
