import { Admin, Bot, BotEvent, BotGateway, Chat, Errors, Handoff, History, Ids, Product, Shop } from "@chatbot-node/domain"
import type { BotTurn, ToolOutputs } from "@chatbot-node/domain"
import {
  MemoryAdminDirectory,
  MemoryConversationStore,
  MemoryProductCatalog,
  MemoryRealtimeHub,
  MemoryShopDirectory,
  ScriptedBotGateway
} from "@chatbot-node/adapters/memory"
import { Layer, Option } from "effect"

export const shopId = Ids.ShopId.make("demo-shop")
export const otherShopId = Ids.ShopId.make("other-shop")
export const alice = Ids.VisitorId.make("visitor-alice")
export const bob = Ids.VisitorId.make("visitor-bob")
export const botId = Ids.BotId.make("7000000000000000042")

export const shop = new Shop.Shop({
  id: shopId,
  name: "Demo shop",
  defaultLocale: "en",
  allowedOrigins: ["https://shop.example"],
  bots: [new Bot.Bot({ id: botId, name: "Shop assistant", provider: "coze" })],
  defaultBotId: botId,
  routingRules: [],
  allowAnonymousUserId: true,
  retentionDays: Option.none()
})

const product = (id: string, name: string, amount: number, category: string, inStock = true) =>
  new Product.Product({
    id,
    sku: `SKU-${id}`,
    name,
    price: new Product.Money({ amount, currency: "USD" }),
    url: `https://shop.example/p/${id}`,
    inStock,
    category
  })

export const catalog = [
  { en: product("1", "Trail running shoes", 89, "running"), es: product("1", "Zapatillas de trail", 89, "running") },
  { en: product("2", "Leather boots", 149, "boots") },
  { en: product("3", "Canvas sneakers", 39, "casual", false) }
]

export const agent = new Admin.Admin({
  id: Ids.AdminId.make("agent-1"),
  email: "agent@shop.example",
  name: "Ana",
  role: "agent",
  shopIds: [shopId],
  createdAt: new Date(0)
})
export const foreignAgent = new Admin.Admin({ ...agent, id: Ids.AdminId.make("agent-2"), name: "Otto", shopIds: [otherShopId] })

export const markupReply = "Here are some shoes<|FunctionCallBegin|>[{\"name\":\"get_product_list\",\"parameters\":{\"keyword\":\"shoes\"}}]<|FunctionCallEnd|> for you."

/** A script that echoes, shows products on "shoes", fails on "fail", asks for tools on "tool". */
export const defaultScript: ScriptedBotGateway.Script = {
  reply: (turn: BotTurn) => {
    if (turn.text.includes("fail-now")) return new Errors.BotGatewayError({ reason: "unavailable", message: "down", logId: "LOG123" })
    const start = ScriptedBotGateway.started("7400000000000000001", "7400000000000000002")
    if (turn.text.includes("tool")) {
      return [
        start,
        BotEvent.BotEvent.ToolCallsRequired({
          upstreamConversationId: "7400000000000000001",
          chatId: "7400000000000000002",
          calls: [{ id: "call-1", name: "shop-get_product_list", arguments: { keyword: "boots" } }]
        })
      ]
    }
    const text = turn.text.includes("shoes") ? markupReply : `You said: ${turn.text}`
    return [
      start,
      ...ScriptedBotGateway.answer("7400000000000000003", text),
      BotEvent.BotEvent.FollowUp({ text: "Do you ship abroad?" }),
      ScriptedBotGateway.completed
    ]
  },
  afterTools: (outputs: ToolOutputs) => [
    ...ScriptedBotGateway.answer("7400000000000000004", `Found: ${JSON.parse(outputs.outputs[0]!.output).products.length} product(s).`),
    ScriptedBotGateway.completed
  ]
}

/** Every port in memory, the services on top, and a handle on the scripted bot. */
export const makeWorld = (script: ScriptedBotGateway.Script = defaultScript) => {
  const bot = ScriptedBotGateway.make(script)
  const ports = Layer.mergeAll(
    MemoryConversationStore.layer,
    MemoryShopDirectory.layer([shop]),
    MemoryAdminDirectory.layer(),
    MemoryRealtimeHub.layer,
    MemoryProductCatalog.layer(catalog),
    Layer.succeed(BotGateway, bot.service)
  )
  const services = Handoff.Default.pipe(Layer.provideMerge(Layer.mergeAll(Chat.Default, History.Default)))
  return { bot, layer: services.pipe(Layer.provideMerge(ports)) }
}
