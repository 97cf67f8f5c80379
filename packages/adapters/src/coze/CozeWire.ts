import { Option, Schema } from "effect"
import type { BotEvent } from "@chatbot-node/domain"

/** A Unix time in seconds, which Coze sends as a number or as a numeric string. */
export const Timestamp = Schema.Union(Schema.Number, Schema.NumberFromString)

/** A Coze id: a string of digits (19-digit values never become JS numbers). */
export const WireId = Schema.String

/** Coze's `{code,msg}` error shape (the `error` SSE event, a lenient `chat.failed`, `last_error`). */
export const WireError = Schema.Struct({
  code: Schema.Union(Schema.Number, Schema.NumberFromString),
  msg: Schema.optionalWith(Schema.String, { default: () => "" })
})
export type WireError = typeof WireError.Type

/** The JSON envelope of every /v1 and /v3 endpoint, before its `data` is looked at. */
export const Envelope = Schema.Struct({
  code: Schema.Union(Schema.Number, Schema.NumberFromString),
  msg: Schema.optionalWith(Schema.String, { default: () => "" }),
  data: Schema.optional(Schema.Unknown),
  detail: Schema.optional(Schema.NullOr(Schema.Struct({ logid: Schema.optional(Schema.String) })))
})
export type Envelope = typeof Envelope.Type

/** Token counts, in the current (`token_count`, `output_count`, `input_count`) or older naming. */
export const WireUsage = Schema.Struct({
  token_count: Schema.optional(Schema.Number),
  output_count: Schema.optional(Schema.Number),
  input_count: Schema.optional(Schema.Number),
  output_tokens: Schema.optional(Schema.Number),
  input_tokens: Schema.optional(Schema.Number)
})
export type WireUsage = typeof WireUsage.Type

/** Reads wire usage as the domain's, if it holds any counts. */
export const toUsage = (usage: WireUsage | null | undefined): Option.Option<BotEvent.Usage> => {
  if (usage == null) return Option.none()
  const input = usage.input_count ?? usage.input_tokens
  const output = usage.output_count ?? usage.output_tokens
  if (input === undefined && output === undefined) return Option.none()
  return Option.some({ inputTokens: input ?? 0, outputTokens: output ?? 0 })
}

/** One tool call of `required_action.submit_tool_outputs`; `arguments` is a JSON string. */
export const WireToolCall = Schema.Struct({
  id: Schema.String,
  type: Schema.optional(Schema.String),
  function: Schema.Struct({
    name: Schema.String,
    arguments: Schema.optionalWith(Schema.String, { default: () => "{}" })
  })
})
export type WireToolCall = typeof WireToolCall.Type

/** The Chat object: `data` of /v3/chat and retrieve, and the payload of `conversation.chat.*` events. */
export const WireChat = Schema.Struct({
  id: WireId,
  conversation_id: WireId,
  bot_id: Schema.optional(WireId),
  status: Schema.optional(Schema.String),
  created_at: Schema.optional(Schema.NullOr(Timestamp)),
  completed_at: Schema.optional(Schema.NullOr(Timestamp)),
  failed_at: Schema.optional(Schema.NullOr(Timestamp)),
  last_error: Schema.optional(Schema.NullOr(WireError)),
  usage: Schema.optional(Schema.NullOr(WireUsage)),
  required_action: Schema.optional(
    Schema.NullOr(
      Schema.Struct({
        type: Schema.optional(Schema.String),
        submit_tool_outputs: Schema.Struct({ tool_calls: Schema.Array(WireToolCall) })
      })
    )
  )
})
export type WireChat = typeof WireChat.Type

/** Chat statuses after which a chat no longer changes. */
export const terminalStatuses: ReadonlySet<string> = new Set(["completed", "failed", "requires_action", "canceled"])

/** The Message object: SSE message events and /v3/chat/message/list items. */
export const WireMessage = Schema.Struct({
  id: WireId,
  conversation_id: Schema.optional(WireId),
  bot_id: Schema.optional(WireId),
  chat_id: Schema.optional(WireId),
  role: Schema.optional(Schema.String),
  type: Schema.optionalWith(Schema.String, { default: () => "" }),
  content: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => "" }),
  content_type: Schema.optional(Schema.String)
})
export type WireMessage = typeof WireMessage.Type

/**
 * What a `conversation.message.delta` is read for: the message, its type and the piece of text
 * (the other fields of a message are not needed for a delta, and this runs for every token). No
 * defaults: a schema with them decodes five times slower, so the reader treats a missing field as
 * empty itself.
 */
export const WireDelta = Schema.Struct({
  id: WireId,
  type: Schema.optional(Schema.String),
  content: Schema.optional(Schema.NullOr(Schema.String))
})

/** `conversation.chat.failed`: a Chat object with `last_error`, or (in one documented example) a bare `{code,msg}`. */
export const WireChatFailed = Schema.Union(WireChat, WireError)
export type WireChatFailed = typeof WireChatFailed.Type

/** The content of a `function_call` message, after lossless JSON parsing. */
export const WireFunctionCallContent = Schema.Struct({
  name: Schema.String,
  arguments: Schema.optional(Schema.Union(Schema.Record({ key: Schema.String, value: Schema.Unknown }), Schema.String)),
  parameters: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})

/** A successful OAuth token exchange; `expires_in` is an absolute Unix time in seconds. */
export const WireOAuthToken = Schema.Struct({
  access_token: Schema.String,
  expires_in: Timestamp
})

/** An OAuth error body. */
export const WireOAuthError = Schema.Struct({
  error_code: Schema.optional(Schema.String),
  error_message: Schema.optional(Schema.String),
  error: Schema.optional(Schema.String)
})

/** One item of `GET /v1/bots`. */
export const WireBotItem = Schema.Struct({
  id: WireId,
  name: Schema.String,
  description: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => "" }),
  is_published: Schema.optionalWith(Schema.Boolean, { default: () => true })
})

/** `data` of `GET /v1/bots`. */
export const WireBotPage = Schema.Struct({
  total: Schema.optionalWith(Schema.Number, { default: () => 0 }),
  items: Schema.optionalWith(Schema.NullOr(Schema.Array(WireBotItem)), { default: () => [] })
})

/** `data` of `GET /v1/bots/:bot_id` (the fields the product reads). */
export const WireBotInfo = Schema.Struct({
  bot_id: WireId,
  name: Schema.String,
  description: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => "" })
})

/** `data` of `POST /v1/bot/create`. */
export const WireBotCreated = Schema.Struct({ bot_id: WireId })

/** `data` of `POST /v1/bot/publish`. */
export const WireBotPublished = Schema.Struct({ bot_id: WireId, version: Schema.optional(Schema.String) })
