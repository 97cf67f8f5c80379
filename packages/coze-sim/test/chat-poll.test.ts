import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type CozeSimulator, startCozeSimulator } from "@chatbot-node/coze-sim"
import { ask, call, pollChat } from "./support/wire.js"

describe("coze-sim non-streamed /v3/chat, retrieve, message list and cancel", () => {
  let sim: CozeSimulator
  beforeAll(async () => {
    sim = await startCozeSimulator()
  })
  afterAll(() => sim.close())

  it("answers in_progress, completes shortly after, and lists the chat's messages without the query", async () => {
    const created = await call(sim, "POST", "/v3/chat", { bot_id: sim.bots.followUps, user_id: "u", stream: false, additional_messages: ask("Hola, ¿tienen envío gratis?") })
    expect(created.body).toMatchObject({ code: 0, data: { status: "in_progress", bot_id: sim.bots.followUps } })
    expect(created.body.detail.logid).toBe(created.headers.get("x-tt-logid"))
    const { id, conversation_id } = created.body.data
    const final = await pollChat(sim, conversation_id, id)
    expect(final).toMatchObject({ status: "completed", usage: { token_count: expect.any(Number) } })
    const list = await call(sim, "GET", `/v3/chat/message/list?conversation_id=${conversation_id}&chat_id=${id}`)
    const types = list.body.data.map((m: { type: string }) => m.type)
    expect(types).toEqual(["answer", "verbose", "follow_up", "follow_up", "follow_up"])
    expect(list.body.data[0].content).toContain("Gracias")
    expect(list.body.data[2].content).toContain("¿")
  })

  it("cancels an in-progress chat; retrieve then says canceled; a finished chat cannot be canceled (4104)", async () => {
    sim.pace({ firstTokenMs: 200, tokensPerSecond: 50 })
    try {
      const created = await call(sim, "POST", "/v3/chat", { bot_id: sim.bots.plain, user_id: "u", additional_messages: ask("slow one") })
      const { id, conversation_id } = created.body.data
      const canceled = await call(sim, "POST", "/v3/chat/cancel", { conversation_id, chat_id: id })
      expect(canceled.body).toMatchObject({ code: 0, data: { id, status: "canceled" } })
      expect(sim.stats.cancels).toBe(1)
      expect(await pollChat(sim, conversation_id, id)).toMatchObject({ status: "canceled" })
      const again = await call(sim, "POST", "/v3/chat/cancel", { conversation_id, chat_id: id })
      expect(again.body.code).toBe(4104)
      expect(sim.stats.cancels).toBe(2)
    } finally {
      sim.pace(undefined)
    }
  })

  it("retrieve and message list refuse unknown ids and missing parameters", async () => {
    expect((await call(sim, "GET", "/v3/chat/retrieve?conversation_id=1&chat_id=2")).body.code).toBe(4002)
    const created = await call(sim, "POST", "/v3/chat", { bot_id: sim.bots.plain, user_id: "u", additional_messages: ask("x") })
    const conv = created.body.data.conversation_id
    expect((await call(sim, "GET", `/v3/chat/retrieve?conversation_id=${conv}&chat_id=7000000000000000000`)).body.code).toBe(4001)
    expect((await call(sim, "GET", `/v3/chat/message/list?conversation_id=${conv}`)).body.code).toBe(4000)
  })
})
