/**
 * Child process of CrashSafety.test.ts: opens the store named by argv (`pglite <dir>` or
 * `postgres <url>`), stores a visitor message, starts a reply and writes parts of it forever,
 * printing `READY <conversationId> <visitorMessageId> <replyId>` once the first part is stored.
 * The parent kills it with SIGKILL somewhere in the stream.
 */
import { Database, layerStores } from "@chatbot-node/adapters/postgres"
import { ConversationStore, Ids } from "@chatbot-node/domain"
import { Effect, Layer } from "effect"

const [kind, target, shop, visitor] = process.argv.slice(2)
const database =
  kind === "pglite" ? Database.layerPglite({ dataDir: target }) : Database.layerPostgres({ url: target ?? "" })

const program = Effect.gen(function* () {
  const store = yield* ConversationStore
  const id = yield* Ids.newConversationId
  yield* store.createConversation({
    id,
    shopId: Ids.ShopId.make(shop ?? "shop"),
    visitorId: Ids.VisitorId.make(visitor ?? "visitor"),
    locale: "en",
    botId: Ids.BotId.make("demo")
  })
  const { message } = yield* store.appendMessage({
    conversationId: id,
    role: "visitor",
    text: "Do you ship to Spain?",
    status: "complete",
    clientMessageId: Ids.ClientMessageId.make("crash-1")
  })
  const reply = yield* store.appendMessage({ conversationId: id, role: "bot", text: "", status: "streaming" })
  yield* store.appendReplyText(reply.message.id, "part0 ")
  process.stdout.write(`READY ${id} ${message.id} ${reply.message.id}\n`)
  for (let i = 1; ; i++) yield* store.appendReplyText(reply.message.id, `part${i} `)
})

Effect.runPromise(Effect.provide(program, Layer.provideMerge(layerStores, database))).catch((error) => {
  process.stderr.write(`crash-child failed: ${String(error)}\n`)
  process.exit(1)
})
