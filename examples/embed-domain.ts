/**
 * Embedding the Chatbot-Node domain: a whole conversation with in-memory adapters and a scripted
 * bot, no server, no database, no Coze. This is what an EverShop plugin author copies: swap the
 * memory adapters for your own (your catalog, your store) and keep the use cases.
 *
 *   npm run example:embed
 */
import { Admin, Bot, BotEvent, Chat, Handoff, History, Ids, Product, Shop } from "@chatbot-node/domain"
import { BotGateway } from "@chatbot-node/domain"
import {
  MemoryConversationStore,
  MemoryProductCatalog,
  MemoryRealtimeHub,
  MemoryShopDirectory,
  ScriptedBotGateway
} from "@chatbot-node/adapters/memory"
import { Console, Effect, Layer, Option, Stream } from "effect"

const shopId = Ids.ShopId.make("my-shop")
const botId = Ids.BotId.make("scripted")
const visitorId = Ids.VisitorId.make("visitor-123")

// 1. Your shop: its bots and where the widget may run.
const shop = new Shop.Shop({
  id: shopId,
  name: "My shop",
  defaultLocale: "en",
  allowedOrigins: ["https://my-shop.example"],
  bots: [new Bot.Bot({ id: botId, name: "Assistant", provider: "demo" })],
  defaultBotId: botId,
  routingRules: [],
  allowAnonymousUserId: false,
  retentionDays: Option.some(365)
})

// 2. Your catalog (here: two products; in EverShop, its GraphQL or database).
const money = (amount: number) => new Product.Money({ amount, currency: "EUR" })
const catalog = [
  { en: new Product.Product({ id: "p1", sku: "TEA-01", name: "Green tea, 100 g", price: money(8.5), url: "https://my-shop.example/tea", inStock: true, category: "tea" }) },
  { en: new Product.Product({ id: "p2", sku: "CUP-02", name: "Tea cup", price: money(12), url: "https://my-shop.example/cup", inStock: false, category: "tableware" }) }
]

// 3. A bot. Here a script that answers with Doubao-style function-call markup, as a real Coze bot
//    sometimes does; the domain hides the markup and turns the call into product cards.
const bot = ScriptedBotGateway.layer({
  reply: (turn) => [
    ...ScriptedBotGateway.answer(
      "m1",
      `Let me look that up.<|FunctionCallBegin|>[{"name":"get_product_list","parameters":{"keyword":${JSON.stringify(turn.text.includes("tea") ? "tea" : turn.text)}}}]<|FunctionCallEnd|> Here is what we have.`
    ),
    BotEvent.BotEvent.FollowUp({ text: "Do you ship to Spain?" }),
    ScriptedBotGateway.completed
  ],
  delay: Effect.sleep("15 millis")
})

// 4. Compose: ports (adapters) below, use cases above. Layers are built once.
const ports = Layer.mergeAll(
  MemoryConversationStore.layer,
  MemoryShopDirectory.layer([shop]),
  MemoryRealtimeHub.layer,
  MemoryProductCatalog.layer(catalog),
  bot
)
const app = Handoff.Default.pipe(
  Layer.provideMerge(Layer.mergeAll(Chat.Default, History.Default)),
  Layer.provideMerge(ports)
)

const program = Effect.gen(function*() {
  const chat = yield* Chat
  const handoff = yield* Handoff
  const history = yield* History

  const turn = yield* chat.send({ shopId, visitorId, text: "Do you have green tea?", clientMessageId: Ids.ClientMessageId.make("c1") })
  yield* Console.log(`conversation ${turn.conversation.id} (${turn.conversation.locale})`)
  yield* turn.events().pipe(
    Stream.runForEach(([, event]) => {
      switch (event._tag) {
        case "delta":
          return Effect.sync(() => process.stdout.write(event.text))
        case "products":
          return Console.log(`\n[cards] ${event.products.map((p) => `${p.name} ${p.price.amount} ${p.price.currency}${p.inStock ? "" : " (out of stock)"}`).join(" | ")}`)
        case "suggestions":
          return Console.log(`\n[suggested] ${event.suggestions.join(" | ")}`)
        case "done":
          return Console.log(`\n[done: ${event.status}]`)
        default:
          return Effect.void
      }
    })
  )

  // A person steps in: the bot goes silent until the agent hands back.
  const agent = new Admin.Admin({ id: Ids.AdminId.make("a1"), email: "ana@my-shop.example", name: "Ana", role: "agent", shopIds: [shopId], createdAt: new Date() })
  yield* handoff.requestHuman(shopId, visitorId, turn.conversation.id)
  yield* handoff.takeOver(agent, turn.conversation.id)
  yield* handoff.agentReply(agent, turn.conversation.id, "Hi, Ana here. The tea ships tomorrow.")
  yield* handoff.handBack(agent, turn.conversation.id)

  const transcript = yield* history.visitorTranscript(shopId, visitorId, turn.conversation.id)
  yield* Console.log("\ntranscript:")
  for (const m of transcript.messages) yield* Console.log(`  ${m.seq}. [${m.role}] ${m.text}`)
})

Effect.runPromise(program.pipe(Effect.provide(app))).catch((error) => {
  console.error(error)
  process.exit(1)
})
