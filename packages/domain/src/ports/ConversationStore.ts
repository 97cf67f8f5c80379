import { Context, type Effect, type Option } from "effect"
import type { Conversation, ConversationPatch, ConversationStatus, NewConversation } from "../model/Conversation.js"
import type { ConversationNotFound, InvalidCursor, StoreError } from "../model/Errors.js"
import type { ClientMessageId, ConversationId, MessageId, ShopId, VisitorId } from "../model/Ids.js"
import type { Message, NewMessage, ReplyOutcome } from "../model/Message.js"
import type { Page } from "../model/Page.js"

/** The result of an idempotent append: `created` is false when the clientMessageId was seen before. */
export interface AppendResult {
  readonly message: Message
  readonly created: boolean
}

/** A visitor's message and, when it was new, the reply's placeholder stored right after it. */
export interface TurnAppendResult {
  readonly visitor: AppendResult
  readonly reply: Option.Option<Message>
}

/**
 * Which messages of a conversation, in ascending `seq`: those after `afterSeq`; or else the
 * latest `limit` (before `beforeSeq`, when given).
 */
export interface MessageRange {
  readonly afterSeq?: number | undefined
  readonly beforeSeq?: number | undefined
  readonly limit: number
}

/** An admin's search; every given filter must hold. Conversations newest first. */
export interface ConversationSearch {
  /** Restrict to these shops; empty or absent means every shop. */
  readonly shopIds?: ReadonlyArray<ShopId> | undefined
  readonly visitorId?: VisitorId | undefined
  readonly status?: ConversationStatus | undefined
  /** Conversations active at or after `from` and before `to`. */
  readonly from?: Date | undefined
  readonly to?: Date | undefined
  /** A phrase that some message of the conversation contains (case-insensitive). */
  readonly text?: string | undefined
  readonly cursor?: string | undefined
  readonly limit: number
}

/** A conversation in a search result, with the latest message's text. */
export interface ConversationSummary {
  readonly conversation: Conversation
  readonly lastMessageText: Option.Option<string>
}

/** Counts of what a deletion removed. */
export interface Deleted {
  readonly conversations: number
  readonly messages: number
}

/**
 * Where conversations and their messages live. Appends are idempotent on
 * (conversation, clientMessageId) and ordered by a per-conversation `seq`.
 */
export class ConversationStore extends Context.Tag("@chatbot-node/domain/ConversationStore")<
  ConversationStore,
  ConversationStore.Service
>() {}

/** A conversation opened with its first turn. */
export interface OpenedConversation {
  readonly conversation: Conversation
  readonly turn: TurnAppendResult
}

export declare namespace ConversationStore {
  export interface Service {
    readonly createConversation: (input: NewConversation) => Effect.Effect<Conversation, StoreError>
    /**
     * Opens a conversation (its id new) with its first turn, in one step (one statement, where the
     * store has them): the visitor's message (seq 1) and the bot reply's placeholder (seq 2). Both
     * messages name the new conversation.
     */
    readonly openConversation: (input: NewConversation, visitor: NewMessage, reply: NewMessage) => Effect.Effect<OpenedConversation, StoreError>
    /** Any conversation, for staff and the system. */
    readonly getConversation: (id: ConversationId) => Effect.Effect<Option.Option<Conversation>, StoreError>
    /** A conversation only if it belongs to this visitor of this shop. */
    readonly getVisitorConversation: (
      shopId: ShopId,
      visitorId: VisitorId,
      id: ConversationId
    ) => Effect.Effect<Option.Option<Conversation>, StoreError>
    /** The visitor's most recently active conversation with the shop. */
    readonly latestVisitorConversation: (
      shopId: ShopId,
      visitorId: VisitorId
    ) => Effect.Effect<Option.Option<Conversation>, StoreError>
    /**
     * The visitor's most recently active conversation, only if it holds a message of the visitor's
     * with this clientMessageId (a first message sent again after its answer was lost).
     */
    readonly latestVisitorConversationHolding: (
      shopId: ShopId,
      visitorId: VisitorId,
      clientMessageId: ClientMessageId
    ) => Effect.Effect<Option.Option<Conversation>, StoreError>
    readonly updateConversation: (
      id: ConversationId,
      patch: ConversationPatch
    ) => Effect.Effect<Conversation, StoreError | ConversationNotFound>
    readonly appendMessage: (input: NewMessage) => Effect.Effect<AppendResult, StoreError | ConversationNotFound>
    /**
     * Appends a visitor's message and, only if it is new (its clientMessageId not stored before), the
     * bot reply's placeholder after it, in one step: one statement, where the store has them.
     */
    readonly appendTurn: (visitor: NewMessage, reply: NewMessage) => Effect.Effect<TurnAppendResult, StoreError | ConversationNotFound>
    /** Adds text to a `streaming` reply (a reply is written in parts as it streams). */
    readonly appendReplyText: (id: MessageId, text: string) => Effect.Effect<void, StoreError>
    /** Writes a reply's final text, calls, products, suggestions and status in one step. */
    readonly finishReply: (id: MessageId, outcome: ReplyOutcome) => Effect.Effect<Message, StoreError>
    readonly listMessages: (
      conversationId: ConversationId,
      range: MessageRange
    ) => Effect.Effect<ReadonlyArray<Message>, StoreError>
    readonly searchConversations: (
      search: ConversationSearch
    ) => Effect.Effect<Page<ConversationSummary>, StoreError | InvalidCursor>
    /** After a crash: every reply still `streaming` becomes `interrupted`. Returns how many. */
    readonly interruptStreamingReplies: Effect.Effect<number, StoreError>
    /** Deletes everything of one visitor of one shop (right to erasure). */
    readonly deleteVisitorData: (shopId: ShopId, visitorId: VisitorId) => Effect.Effect<Deleted, StoreError>
    /** Deletes the shop's conversations last active before `before` (retention). */
    readonly deleteIdleConversations: (shopId: ShopId, before: Date) => Effect.Effect<Deleted, StoreError>
  }
}
