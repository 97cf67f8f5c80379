import { Chat, I18n, Ids } from "@chatbot-node/domain"
import type { ChatEvent, Locale } from "@chatbot-node/domain"
import { DemoCatalog } from "@chatbot-node/adapters/catalog/demo"
import { LocalBotGateway, ProductKeywords } from "@chatbot-node/adapters/localbot"
import { MemoryConversationStore, MemoryRealtimeHub, MemoryShopDirectory } from "@chatbot-node/adapters/memory"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Option, Stream } from "effect"

const world = Chat.Default.pipe(
  Layer.provide(Layer.mergeAll(
    MemoryConversationStore.layer,
    MemoryShopDirectory.layer([DemoCatalog.demoShop("demo")]),
    MemoryRealtimeHub.layer,
    DemoCatalog.layer({ baseUrl: "http://localhost:3000" }),
    LocalBotGateway.layer()
  ))
)

const ask = (text: string, locale?: Locale.Locale, visitor = "v1", conversationId?: Ids.ConversationId) =>
  Effect.gen(function*() {
    const chat = yield* Chat
    const turn = yield* chat.send({ shopId: Ids.ShopId.make("demo"), visitorId: Ids.VisitorId.make(visitor), text, locale, conversationId })
    const events = Chunk.toReadonlyArray(yield* Stream.runCollect(turn.events())).map(([, e]) => e)
    const text_ = events.flatMap((e: ChatEvent.ChatEvent) => (e._tag === "delta" ? [e.text] : [])).join("")
    const products = events.flatMap((e) => (e._tag === "products" ? e.products : []))
    const stored = events.flatMap((e) => (e._tag === "message" ? [e.message] : []))
    return { events, text: text_, products, stored, conversationId: turn.conversation.id }
  })

describe("LocalBotGateway through Chat", () => {
  it.layer(world)((it) => {
    it.effect("answers an English product question with product cards and no markup", () =>
      Effect.gen(function*() {
        const r = yield* ask("Do you have running shoes?", "en")
        expect(r.text).not.toContain("FunctionCall")
        expect(r.text).toContain(I18n.t("en", "demoNotice"))
        expect(r.products.length).toBeGreaterThan(0)
        expect(r.products.every((p) => p.imageUrl?.endsWith(".svg"))).toBe(true)
        expect(r.products.map((p) => p.id)).toContain("shoe-run")
        expect(r.events.some((e) => e._tag === "suggestions")).toBe(true)
        expect(r.stored.at(-1)?.status).toBe("complete")
        expect(r.stored.at(-1)?.functionCalls[0]?.name).toBe("get_product_list")
      }))

    it.effect("answers in Chinese from the Chinese catalog", () =>
      Effect.gen(function*() {
        const r = yield* ask("你们有蓝牙耳机吗？", "zh", "v-zh")
        expect(r.text).toContain(I18n.t("zh", "demoNotice"))
        expect(r.products.map((p) => p.name)).toContain("蓝牙耳机")
      }))

    it.effect("answers in Spanish, with a price ceiling", () =>
      Effect.gen(function*() {
        const r = yield* ask("Busco mochilas de menos de 80", "es", "v-es")
        expect(r.text).toContain("catálogo de demostración")
        expect(r.products.length).toBeGreaterThan(0)
        expect(r.products.every((p) => p.price.amount <= 80)).toBe(true)
        expect(r.products.map((p) => p.name)).toContain("Mochila urbana")
      }))

    it.effect("says it is a demo only on the first turn, and answers shipping questions", () =>
      Effect.gen(function*() {
        const first = yield* ask("hello", "en", "v-two")
        expect(first.text).toContain(I18n.t("en", "greeting"))
        const second = yield* ask("How long does shipping take?", "en", "v-two", first.conversationId)
        expect(second.text).not.toContain(I18n.t("en", "demoNotice"))
        expect(second.text).toContain("3–5 business days")
        expect(second.products).toEqual([])
      }))
  })
})

describe("ProductKeywords.understand", () => {
  it("finds category and name words in three languages", () => {
    expect(ProductKeywords.understand("show me some backpacks", "en")?.keyword).toBe("backpack")
    expect(ProductKeywords.understand("我想买一个双肩包", "zh")?.keyword).toBe("双肩包")
    expect(ProductKeywords.understand("¿tienen relojes?", "es")?.keyword).toBe("reloj")
    expect(ProductKeywords.understand("headphones under $100 in stock", "en")).toEqual({ keyword: "headphone", maxPrice: 100, inStockOnly: true })
    expect(ProductKeywords.understand("what is your return policy", "en")).toBeUndefined()
  })

  it("tokenizes so that the tokens are the text", () => {
    const text = LocalBotGateway.answerText({ text: "running shoes", locale: "en", upstreamConversationId: Option.none() })
    expect(LocalBotGateway.tokenize(text, "en").join("")).toBe(text)
    const zh = LocalBotGateway.answerText({ text: "有跑鞋吗", locale: "zh", upstreamConversationId: Option.some("x") })
    expect(LocalBotGateway.tokenize(zh, "zh").join("")).toBe(zh)
  })
})
