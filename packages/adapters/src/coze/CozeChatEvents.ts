import { BotEvent, Errors, FunctionCall } from "@chatbot-node/domain"
import { Either, Option, Schema } from "effect"
import * as CozeErrors from "./CozeErrors.js"
import type { SseMessage } from "../sse/SseFrame.js"
import {
  toUsage,
  type WireChat,
  WireChatFailed,
  WireChat as WireChatSchema,
  WireDelta,
  WireError,
  WireFunctionCallContent,
  WireMessage
} from "./CozeWire.js"
import { parseLossless } from "./LosslessJson.js"

/** An answer delta with text to show (other message types' deltas, and empty ones, are not shown). */
const isAnswerText = (m: typeof WireDelta.Type): m is typeof WireDelta.Type & { readonly content: string } =>
  (m.type === undefined || m.type === "answer" || m.type === "") && typeof m.content === "string" && m.content !== ""

/** What one chat has reached so far: its ids (to cancel or continue it) and whether it is over. */
export interface ChatProgress {
  conversationId: string | undefined
  chatId: string | undefined
  terminal: boolean
}

type Event = BotEvent.BotEvent
const { BotEvent: E } = BotEvent

/** A chat-ending error and what is logged of it (a malformed event is logged without its payload). */
export interface Ending {
  readonly error: Errors.BotGatewayError
  readonly logged: Errors.BotGatewayError
}

type Decoder<A> = (input: unknown) => Either.Either<A, { readonly message: string }>
// Built once: each runs for every event of every streamed reply.
const decodeChat: Decoder<WireChat> = Schema.decodeUnknownEither(WireChatSchema)
const decodeDelta: Decoder<typeof WireDelta.Type> = Schema.decodeUnknownEither(WireDelta)
const decodeMessage: Decoder<typeof WireMessage.Type> = Schema.decodeUnknownEither(WireMessage)
const decodeFailed: Decoder<WireChatFailed> = Schema.decodeUnknownEither(WireChatFailed)
const decodeError: Decoder<typeof WireError.Type> = Schema.decodeUnknownEither(WireError)

/** `JSON.parse` without the lossless pre-check, for the common case (a plain try/catch: Either.try costs twice the parse). */
const parsePlain = (text: string): Either.Either<unknown, Error> => {
  try {
    return Either.right(JSON.parse(text) as unknown)
  } catch (e) {
    return Either.left(e instanceof Error ? e : new Error(String(e)))
  }
}

/**
 * Decodes an event's JSON. Coze quotes its ids, and the wire schemas read every id as a string, so
 * a plain parse that decodes is exact; only an event that does not (e.g. an id written as a bare
 * 19-digit number, which a plain parse would round) is parsed again losslessly, so the lossless
 * pre-scan is not paid on every delta of every reply.
 */
const decode = <A>(decoder: Decoder<A>, text: string, what: string, ctx: CozeErrors.FailureContext): Either.Either<A, Ending> => {
  const plain = parsePlain(text)
  if (Either.isRight(plain)) {
    const decodedPlain = decoder(plain.right)
    if (Either.isRight(decodedPlain)) return Either.right(decodedPlain.right)
  }
  const parsed = parseLossless(text)
  const decoded = Either.isRight(parsed)
    ? Either.mapLeft(decoder(parsed.right), (e) => e.message)
    : Either.left(parsed.left.message)
  return Either.mapLeft(decoded, (detail) => ({
    error: CozeErrors.malformed(`${what}: ${detail.slice(0, 300)}`, ctx),
    logged: CozeErrors.malformed(what, ctx)
  }))
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

const ending = (error: Errors.BotGatewayError): Ending => ({ error, logged: error })

/** What a batch of SSE events came to: the events to pass on, and whether the chat goes on, is done, or failed. */
export interface Translated {
  readonly events: Array<Event>
  /** `more` while the chat goes on; `done` at Coze's `done` event; else the chat-ending error (the events before it still go out). */
  readonly end: "more" | "done" | Ending
}

/** Turns a chat's SSE events into `BotEvent`s batch by batch; holds the chat's progress. */
export interface Translator {
  readonly push: (events: Iterable<SseMessage>) => Translated
  /** The response ended: an error unless the chat is over. */
  readonly ended: () => Option.Option<Ending>
}

/**
 * A translator of one chat's SSE events: answer deltas by message id, completed messages by
 * type (verbose and knowledge ignored), requires_action, completion with usage; `error` and
 * `chat.failed` end it with a typed error, `done` ends it. The answer deltas of one message within
 * one batch (what one read of the response holds) become one delta.
 */
export const makeTranslator = (progress: ChatProgress, ctx: CozeErrors.FailureContext): Translator => {
  const chat = (data: string, name: string) =>
    Either.map(decode(decodeChat, data, name, ctx), (c) => {
      progress.conversationId = c.conversation_id
      progress.chatId = c.id
      return c
    })
  const none: ReadonlyArray<Event> = []

  /** Any event but an answer delta (`push` gathers those itself). */
  const step = (event: SseMessage): Either.Either<ReadonlyArray<Event>, Ending> => {
    switch (event.event) {
      case "conversation.chat.created":
        return Either.map(chat(event.data, event.event), (c) => [
          E.TurnStarted({ upstreamConversationId: c.conversation_id, chatId: c.id })
        ])
      case "conversation.chat.in_progress":
        return Either.map(chat(event.data, event.event), () => none)
      case "conversation.message.completed":
        return Either.map(decode(decodeMessage, event.data, event.event, ctx), completedMessage)
      case "conversation.chat.requires_action":
        return Either.map(chat(event.data, event.event), (c) => {
          progress.terminal = true
          return [toolCallsOf(c)]
        })
      case "conversation.chat.completed":
        return Either.map(chat(event.data, event.event), (c) => {
          progress.terminal = true
          return [E.TurnCompleted({ usage: toUsage(c.usage) })]
        })
      case "conversation.chat.failed":
        return Either.flatMap(decode(decodeFailed, event.data, event.event, ctx), (failed) => {
          progress.terminal = true
          return Either.left(ending(failureOf(failed, ctx)))
        })
      case "error":
        return Either.flatMap(decode(decodeError, event.data, event.event, ctx), (e) => Either.left(ending(CozeErrors.fromCode(e.code, e.msg, ctx))))
      default:
        return Either.right(none)
    }
  }

  return {
    push: (events) => {
      const out: Array<Event> = []
      // The answer deltas of one message in a row, as text pieces: one TextDelta when the row ends.
      let gathering: string | undefined
      let pieces: Array<string> = []
      const flush = () => {
        if (gathering !== undefined) out.push(E.TextDelta({ messageId: gathering, text: pieces.join("") }))
        gathering = undefined
        pieces = []
      }
      for (const event of events) {
        if (event.event === "conversation.message.delta") {
          const delta = decode(decodeDelta, event.data, event.event, ctx)
          if (Either.isLeft(delta)) {
            flush()
            return { events: out, end: delta.left }
          }
          const m = delta.right
          if (!isAnswerText(m)) continue
          if (gathering !== m.id) flush()
          gathering = m.id
          pieces.push(m.content)
          continue
        }
        if (event.event === "done") {
          flush()
          return { events: out, end: "done" }
        }
        const stepped = step(event)
        if (Either.isLeft(stepped)) {
          flush()
          return { events: out, end: stepped.left }
        }
        // An event that shows nothing (`in_progress`, verbose) does not split a row of deltas.
        if (stepped.right.length > 0) {
          flush()
          for (const e of stepped.right) out.push(e)
        }
      }
      flush()
      return { events: out, end: "more" }
    },
    ended: () =>
      progress.terminal
        ? Option.none()
        : Option.some(ending(CozeErrors.make("unavailable", `Coze ${ctx.path}: the stream ended before the chat finished`, undefined, ctx)))
  }
}
