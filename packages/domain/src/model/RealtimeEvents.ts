import { Schema } from "effect"
import type { ChatEventEncoded } from "./ChatEvent.js"
import { ConversationStatus } from "./Conversation.js"
import { ClientMessageId, ConversationId, ShopId } from "./Ids.js"
import type { Message } from "./Message.js"
import type { ConversationEvent } from "./Realtime.js"

/** The page the visitor is on, as the widget reports it. */
export const PageContextPayload = Schema.Struct({
  path: Schema.optional(Schema.String.pipe(Schema.maxLength(2048))),
  productId: Schema.optional(Schema.String.pipe(Schema.maxLength(200))),
  category: Schema.optional(Schema.String.pipe(Schema.maxLength(200)))
})

/** `message:send`: a visitor's message; a retry with the same `clientMessageId` is stored once. */
export const SendPayload = Schema.Struct({
  text: Schema.String.pipe(Schema.maxLength(8000)),
  clientMessageId: ClientMessageId,
  conversationId: Schema.optional(ConversationId),
  locale: Schema.optional(Schema.String.pipe(Schema.maxLength(35))),
  context: Schema.optional(PageContextPayload)
})

/** `typing`: the sender starts or stops typing in a conversation. */
export const TypingPayload = Schema.Struct({ conversationId: ConversationId, typing: Schema.Boolean })

/** Names one conversation (`human:request`, `watch`, `takeover`, `handback`, `close`). */
export const ConversationRef = Schema.Struct({ conversationId: ConversationId })

/** `resume`: the stored messages after `afterSeq` (the last one the client saw), then live events. */
export const ResumePayload = Schema.Struct({
  conversationId: ConversationId,
  afterSeq: Schema.Number.pipe(Schema.int(), Schema.nonNegative())
})

/** `reply`: an agent's message to the visitor. */
export const ReplyPayload = Schema.Struct({
  conversationId: ConversationId,
  text: Schema.String.pipe(Schema.maxLength(8000)),
  clientMessageId: Schema.optional(ClientMessageId)
})

/** `inbox`: an agent's list of live and recent conversations of one shop (or of all their shops). */
export const InboxQuery = Schema.Struct({
  shopId: Schema.optional(ShopId),
  status: Schema.optional(ConversationStatus),
  limit: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.between(1, 100)))
})

/** Why an event was refused: a stable code (as ChatErrorCode, plus `unauthorized`) and a sentence. */
export const AckError = Schema.Struct({ code: Schema.String, message: Schema.String })
export type AckError = typeof AckError.Type

/** Every acknowledgement: `{ok: true, ...data}` or `{ok: false, error}`. */
export type Ack<A extends object = {}> = ({ readonly ok: true } & A) | { readonly ok: false; readonly error: AckError }

/** A callback the client passes as the last argument of an event. */
export type AckFn<A extends object = {}> = (ack: Ack<A>) => void

type Encoded<S extends Schema.Schema.Any> = Schema.Schema.Encoded<S>
type MessageJson = Schema.Schema.Encoded<typeof Message>
type ConversationEventJson = Schema.Schema.Encoded<typeof ConversationEvent>

/** A conversation as the agent inbox lists it. */
export interface InboxItemJson {
  readonly id: string
  readonly shopId: string
  readonly visitorId: string
  readonly status: ConversationStatus
  readonly locale: string
  readonly assignedAgentId: string | null
  readonly lastMessageText: string | null
  readonly updatedAt: string
}

/** What a visitor's client sends (namespace `/visitor`). */
export interface VisitorClientEvents {
  "message:send": (payload: Encoded<typeof SendPayload>, ack: AckFn<{ conversationId: string; messageId: string; seq: number; duplicate: boolean }>) => void
  "typing": (payload: Encoded<typeof TypingPayload>) => void
  "human:request": (payload: Encoded<typeof ConversationRef>, ack: AckFn<{ status: ConversationStatus }>) => void
  "resume": (payload: Encoded<typeof ResumePayload>, ack: AckFn<{ status: ConversationStatus; messages: ReadonlyArray<MessageJson> }>) => void
}

/** What an agent's client sends (namespace `/agent`). */
export interface AgentClientEvents {
  "inbox": (payload: Encoded<typeof InboxQuery>, ack: AckFn<{ items: ReadonlyArray<InboxItemJson> }>) => void
  "watch": (payload: Encoded<typeof ConversationRef>, ack: AckFn<{ conversation: InboxItemJson; messages: ReadonlyArray<MessageJson> }>) => void
  "unwatch": (payload: Encoded<typeof ConversationRef>, ack: AckFn) => void
  "takeover": (payload: Encoded<typeof ConversationRef>, ack: AckFn<{ status: ConversationStatus }>) => void
  "reply": (payload: Encoded<typeof ReplyPayload>, ack: AckFn<{ messageId: string; seq: number }>) => void
  "handback": (payload: Encoded<typeof ConversationRef>, ack: AckFn<{ status: ConversationStatus }>) => void
  "close": (payload: Encoded<typeof ConversationRef>, ack: AckFn<{ status: ConversationStatus }>) => void
  "typing": (payload: Encoded<typeof TypingPayload>) => void
}

/** Every event a client may send, over both namespaces. */
export type ClientToServerEvents = VisitorClientEvents & AgentClientEvents

/** What the server sends: the same ChatEvents as SSE, and (to agents) inbox updates. */
export interface ServerToClientEvents {
  /** A ChatEvent of a conversation the socket follows, encoded as over SSE. */
  "chat:event": (event: ChatEventEncoded) => void
  /** An agent's inbox: an event of any conversation of the agent's shops. */
  "inbox:event": (event: ConversationEventJson) => void
}
