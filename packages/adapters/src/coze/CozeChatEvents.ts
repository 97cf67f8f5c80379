import { BotEvent, Errors, FunctionCall } from "@chatbot-node/domain"
import { Effect, Either, Option, Schema, Stream } from "effect"
import * as CozeErrors from "./CozeErrors.js"
import type { SseEvent } from "./CozeSse.js"
import {
  toUsage,
  type WireChat,
  WireChatFailed,
  WireChat as WireChatSchema,
  WireError,
  WireFunctionCallContent,
  WireMessage
} from "./CozeWire.js"
import { parseLossless } from "./LosslessJson.js"

/** What one chat has reached so far: its ids (to cancel or continue it) and whether it is over. */
export interface ChatProgress {
  conversationId: string | undefined
  chatId: string | undefined
  terminal: boolean
}

type Event = BotEvent.BotEvent
const { BotEvent: E } = BotEvent

const decode = <A, I>(schema: Schema.Schema<A, I>, text: string, what: string, ctx: CozeErrors.FailureContext) => {
  const parsed = parseLossless(text)
  const decoded = Either.isRight(parsed)
    ? Either.mapLeft(Schema.decodeUnknownEither(schema)(parsed.right), (e) => e.message)
    : Either.left(parsed.left.message)
  return Either.isRight(decoded)
    ? Effect.succeed(decoded.right)
    : Effect.zipRight(
      CozeErrors.logFailure(CozeErrors.malformed(what, ctx), ctx),
      Effect.fail(CozeErrors.malformed(`${what}: ${decoded.left.slice(0, 300)}`, ctx))
    )
}

const asRecord = (value: unknown): Option.Option<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? Option.some(value as Record<string, unknown>)
    : Option.none()

/** Reads a JSON object (or JSON text of one) losslessly; anything else is no arguments. */
export const argumentsOf = (value: unknown): Record<string, unknown> => {
  if (typeof value === "string") {
    const parsed = parseLossless(value)
    return Either.isRight(parsed) ? Option.getOrElse(asRecord(parsed.right), () => ({})) : {}
  }
  return Option.getOrElse(asRecord(value), () => ({}))
}

/** Decodes a `function_call` message's content (JSON text with possibly unquoted 19-digit numbers). */
export const functionCallOf = (content: string): Option.Option<FunctionCall.FunctionCall> => {
  const parsed = parseLossless(content)
  if (Either.isLeft(parsed)) return Option.none()
  return Option.flatMap(Schema.decodeUnknownOption(WireFunctionCallContent)(parsed.right), (c) =>
    c.name === ""
      ? Option.none()
      : Option.some(new FunctionCall.FunctionCall({ name: c.name, arguments: argumentsOf(c.arguments ?? c.parameters) })))
}

/** The events one whole message stands for (a `message.completed`, or a message-list item). */
export const completedMessage = (message: typeof WireMessage.Type): ReadonlyArray<Event> => {
  const content = message.content ?? ""
  switch (message.type) {
    case "answer":
      return [E.AnswerCompleted({ messageId: message.id, text: content })]
    case "function_call":
      return Option.match(functionCallOf(content), { onNone: () => [], onSome: (call) => [E.FunctionCalled({ call })] })
    case "tool_response":
    case "tool_output":
      return [E.ToolResponded({ text: content })]
    case "follow_up":
      return content.trim() === "" ? [] : [E.FollowUp({ text: content })]
    default:
      return []
  }
}

/** `ToolCallsRequired` from a chat in `requires_action`. */
export const toolCallsOf = (chat: WireChat): Event =>
  E.ToolCallsRequired({
    upstreamConversationId: chat.conversation_id,
    chatId: chat.id,
    calls: (chat.required_action?.submit_tool_outputs.tool_calls ?? []).map((call) => ({
      id: call.id,
      name: call.function.name,
      arguments: argumentsOf(call.function.arguments)
    }))
  })

/** The error of a failed chat (`last_error`, or a bare `{code,msg}`). */
export const failureOf = (failed: WireChatFailed, ctx: CozeErrors.FailureContext): Errors.BotGatewayError => {
  const error = "code" in failed ? failed : failed.last_error
  return error !== null && error !== undefined && error.code !== 0
    ? CozeErrors.fromCode(error.code, error.msg, ctx)
    : CozeErrors.make("unknown", `Coze ${ctx.path}: the chat failed`, undefined, ctx)
}

/**
 * Turns a chat's SSE events into `BotEvent`s: answer deltas by message id, completed messages by
 * type (verbose and knowledge ignored), requires_action, completion with usage; `error` and
 * `chat.failed` fail typed; the stream ends at `done` and fails if it ends before the chat is over.
 */
export const translate = (
  events: Stream.Stream<SseEvent, Errors.BotGatewayError>,
  progress: ChatProgress,
  ctx: CozeErrors.FailureContext
): Stream.Stream<Event, Errors.BotGatewayError> => {
  const chat = (data: string, name: string) =>
    Effect.tap(decode(WireChatSchema, data, name, ctx), (c) =>
      Effect.sync(() => {
        progress.conversationId = c.conversation_id
        progress.chatId = c.id
      }))

  const step = (event: SseEvent): Effect.Effect<ReadonlyArray<Event>, Errors.BotGatewayError> => {
    switch (event.event) {
      case "conversation.chat.created":
        return Effect.map(chat(event.data, event.event), (c) => [
          E.TurnStarted({ upstreamConversationId: c.conversation_id, chatId: c.id })
        ])
      case "conversation.chat.in_progress":
        return Effect.as(chat(event.data, event.event), [])
      case "conversation.message.delta":
        return Effect.map(decode(WireMessage, event.data, event.event, ctx), (m) =>
          (m.type === "answer" || m.type === "") && m.content ? [E.TextDelta({ messageId: m.id, text: m.content })] : [])
      case "conversation.message.completed":
        return Effect.map(decode(WireMessage, event.data, event.event, ctx), completedMessage)
      case "conversation.chat.requires_action":
        return Effect.map(chat(event.data, event.event), (c) => {
          progress.terminal = true
          return [toolCallsOf(c)]
        })
      case "conversation.chat.completed":
        return Effect.map(chat(event.data, event.event), (c) => {
          progress.terminal = true
          return [E.TurnCompleted({ usage: toUsage(c.usage) })]
        })
      case "conversation.chat.failed":
        return Effect.flatMap(decode(WireChatFailed, event.data, event.event, ctx), (failed) => {
          progress.terminal = true
          const error = failureOf(failed, ctx)
          return Effect.zipRight(CozeErrors.logFailure(error, ctx), Effect.fail(error))
        })
      case "error":
        return Effect.flatMap(decode(WireError, event.data, event.event, ctx), (e) => {
          const error = CozeErrors.fromCode(e.code, e.msg, ctx)
          return Effect.zipRight(CozeErrors.logFailure(error, ctx), Effect.fail(error))
        })
      default:
        return Effect.succeed([])
    }
  }

  const end = Stream.suspend(() => {
    if (progress.terminal) return Stream.empty
    const error = CozeErrors.make("unavailable", `Coze ${ctx.path}: the stream ended before the chat finished`, undefined, ctx)
    return Stream.fromEffect(Effect.zipRight(CozeErrors.logFailure(error, ctx), Effect.fail(error)))
  })

  return events.pipe(
    Stream.takeWhile((event) => event.event !== "done"),
    Stream.mapConcatEffect(step),
    Stream.concat(end)
  )
}
