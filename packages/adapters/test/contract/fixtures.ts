import { ConversationStore, Ids } from "@chatbot-node/domain"
import type { Message } from "@chatbot-node/domain"
import { Effect } from "effect"

/** Fresh ids, so that the tests of one suite never see each other's rows. */
export const newShopId = (): Ids.ShopId => Ids.ShopId.make(`shop${Ids.randomToken()}`)
export const newVisitorId = (): Ids.VisitorId => Ids.VisitorId.make(`v${Ids.randomToken()}`)
export const clientId = (value: string): Ids.ClientMessageId => Ids.ClientMessageId.make(value)
export const botId = Ids.BotId.make("demo")

/** Opens a conversation of `visitorId` with `shopId`. */
export const openConversation = (shopId: Ids.ShopId = newShopId(), visitorId: Ids.VisitorId = newVisitorId()) =>
  Effect.gen(function* () {
    const store = yield* ConversationStore
    const id = yield* Ids.newConversationId
    return yield* store.createConversation({ id, shopId, visitorId, locale: "en", botId })
  })

/** Appends a complete visitor message. */
export const say = (conversationId: Ids.ConversationId, text: string, clientMessageId?: string) =>
  Effect.flatMap(ConversationStore, (store) =>
    store.appendMessage({
      conversationId,
      role: "visitor",
      text,
      status: "complete",
      clientMessageId: clientMessageId === undefined ? undefined : clientId(clientMessageId)
    })
  )

/** A visitor's message and, if it is new, the bot reply's placeholder after it, in one append. */
export const sayAndStartReply = (conversationId: Ids.ConversationId, text: string, clientMessageId?: string) =>
  Effect.flatMap(ConversationStore, (store) =>
    store.appendTurn(
      { conversationId, role: "visitor", text, status: "complete", clientMessageId: clientMessageId === undefined ? undefined : clientId(clientMessageId) },
      { conversationId, role: "bot", text: "", status: "streaming" }
    )
  )

/** Starts a streaming bot reply. */
export const startReply = (conversationId: Ids.ConversationId) =>
  Effect.map(
    Effect.flatMap(ConversationStore, (store) =>
      store.appendMessage({ conversationId, role: "bot", text: "", status: "streaming" })
    ),
    (r) => r.message
  )

/** Every message of a conversation, paging forward by seq. */
export const allMessages = (conversationId: Ids.ConversationId) =>
  Effect.gen(function* () {
    const store = yield* ConversationStore
    const out: Array<Message.Message> = []
    for (;;) {
      const page = yield* store.listMessages(conversationId, { afterSeq: out.at(-1)?.seq ?? 0, limit: 50 })
      out.push(...page)
      if (page.length < 50) return out
    }
  })

/** 1, 2, …, n. */
export const oneTo = (n: number): Array<number> => Array.from({ length: n }, (_, i) => i + 1)

/** Texts that a store must give back byte for byte. */
export const unicodeSamples: ReadonlyArray<string> = [
  "你好，我想找一双红色的鞋子。",
  "こんにちは、在庫はありますか？",
  "안녕하세요 👋",
  "Familia 👩‍👩‍👧‍👦, banderas 🇪🇸🇨🇳🏳️‍🌈, tonos 👍🏽",
  "مرحبا، هل يتوفر هذا المنتج؟",
  "שלום עולם \u200f(RTL)\u200e mixed",
  "e\u0301 vs \u00e9, n\u0303 vs \u00f1, a\u0308\u0304, Z\u0324\u0354\u0367\u0311\u0353",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛 \ud83d\ude00 \ufeffBOM \u2028line sep",
  "tab\tnew\nline\r\nquote' \"dq\" back\\slash 100% _x_"
]
