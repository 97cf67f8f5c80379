import { Effect, Option } from "effect"
import { canAccessShop, type Admin } from "../model/Admin.js"
import type { Conversation } from "../model/Conversation.js"
import { ConversationNotFound, NotPermitted } from "../model/Errors.js"
import type { ConversationId, ShopId, VisitorId } from "../model/Ids.js"
import type { Message } from "../model/Message.js"
import { ConversationStore, type ConversationSearch, type MessageRange } from "../ports/ConversationStore.js"

/** A conversation with a range of its messages. */
export interface Transcript {
  readonly conversation: Conversation
  readonly messages: ReadonlyArray<Message>
}

/** The largest page any reader gets at once. */
export const maxPageSize = 100

const clampRange = (range: MessageRange): MessageRange => ({ ...range, limit: Math.min(maxPageSize, Math.max(1, range.limit)) })

/**
 * Reading conversations: a visitor reads only their own; staff search and read the shops they
 * belong to, a page at a time.
 */
export class History extends Effect.Service<History>()("@chatbot-node/domain/History", {
  effect: Effect.gen(function*() {
    const store = yield* ConversationStore

    const visitorConversation = (shopId: ShopId, visitorId: VisitorId, conversationId: ConversationId) =>
      store.getVisitorConversation(shopId, visitorId, conversationId).pipe(
        Effect.flatMap(Option.match({
          onNone: () => Effect.fail(new ConversationNotFound({ conversationId })),
          onSome: Effect.succeed
        }))
      )

    /** The visitor's own conversation and a range of its messages (by default the latest 50). */
    const visitorTranscript = Effect.fn("History.visitorTranscript")(function*(
      shopId: ShopId,
      visitorId: VisitorId,
      conversationId: ConversationId,
      range: MessageRange = { limit: 50 }
    ) {
      const conversation = yield* visitorConversation(shopId, visitorId, conversationId)
      const messages = yield* store.listMessages(conversation.id, clampRange(range))
      return { conversation, messages } satisfies Transcript
    })

    /** The visitor's most recent conversation with the shop, if any, with its latest messages. */
    const latestTranscript = Effect.fn("History.latestTranscript")(function*(shopId: ShopId, visitorId: VisitorId, limit = 50) {
      const latest = yield* store.latestVisitorConversation(shopId, visitorId)
      if (Option.isNone(latest)) return Option.none<Transcript>()
      const messages = yield* store.listMessages(latest.value.id, clampRange({ limit }))
      return Option.some<Transcript>({ conversation: latest.value, messages })
    })

    /** Staff search, restricted to the shops the admin belongs to. */
    const search = Effect.fn("History.search")(function*(admin: Admin, query: ConversationSearch) {
      const requested = query.shopIds ?? []
      if (requested.some((shopId) => !canAccessShop(admin, shopId))) {
        return yield* new NotPermitted({ message: "not a member of every requested shop" })
      }
      const shopIds = requested.length > 0 ? requested : admin.shopIds
      return yield* store.searchConversations({ ...query, shopIds, limit: Math.min(maxPageSize, Math.max(1, query.limit)) })
    })

    /** A conversation as staff read it; only in a shop the admin belongs to. */
    const staffTranscript = Effect.fn("History.staffTranscript")(function*(
      admin: Admin,
      conversationId: ConversationId,
      range: MessageRange = { limit: 50 }
    ) {
      const found = yield* store.getConversation(conversationId)
      if (Option.isNone(found) || !canAccessShop(admin, found.value.shopId)) {
        return yield* new ConversationNotFound({ conversationId })
      }
      const messages = yield* store.listMessages(conversationId, clampRange(range))
      return { conversation: found.value, messages } satisfies Transcript
    })

    return { visitorConversation, visitorTranscript, latestTranscript, search, staffTranscript } as const
  })
}) {}
