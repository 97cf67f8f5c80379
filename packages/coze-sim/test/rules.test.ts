import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type CozeSimulator, startCozeSimulator } from "@chatbot-node/coze-sim"
import { ask, authed, call, pollChat } from "./support/wire.js"

describe("coze-sim request rules", () => {
  let sim: CozeSimulator
  beforeAll(async () => {
    sim = await startCozeSimulator()
  })
  afterAll(() => sim.close())

  const chat = (body: Record<string, unknown>, conversationId?: string) =>
    call(sim, "POST", `/v3/chat${conversationId !== undefined ? `?conversation_id=${conversationId}` : ""}`, body)

  it("allows one in-progress chat per conversation (4016), and the next once it is done", async () => {
    sim.pace({ firstTokenMs: 150, tokensPerSecond: 100 })
    try {
      const first = await chat({ bot_id: sim.bots.plain, user_id: "u", additional_messages: ask("one") })
      const conv = first.body.data.conversation_id
      const second = await chat({ bot_id: sim.bots.plain, user_id: "u", stream: true, additional_messages: ask("two") }, conv)
      expect(second.body).toMatchObject({ code: 4016 })
      expect(second.headers.get("content-type")).toContain("application/json")
      await pollChat(sim, conv, first.body.data.id)
      const third = await chat({ bot_id: sim.bots.plain, user_id: "u", additional_messages: ask("three") }, conv)
      expect(third.body.code).toBe(0)
    } finally {
      sim.pace(undefined)
    }
  })

  it("refuses bad bodies (4000), unknown bots (4006), unpublished bots (4015), stream=false without history (4007), unknown conversations (4002)", async () => {
    const bad = async (body: unknown, code: number, conversationId?: string) => {
      const r = await call(sim, "POST", `/v3/chat${conversationId !== undefined ? `?conversation_id=${conversationId}` : ""}`, body)
      expect(r.body.code, JSON.stringify(body)).toBe(code)
      expect(r.body.msg).toBeTruthy()
      expect(r.body.detail.logid).toBe(r.headers.get("x-tt-logid"))
    }
    await bad({ user_id: "u", additional_messages: ask("x") }, 4000)
    await bad({ bot_id: sim.bots.plain, additional_messages: ask("x") }, 4000)
    await bad({ bot_id: sim.bots.plain, user_id: "u", additional_messages: [{ role: "assistant", content: "x", content_type: "text" }] }, 4000)
    await bad({ bot_id: sim.bots.plain, user_id: "u", additional_messages: [...ask("x"), { role: "assistant", type: "answer", content: "y", content_type: "text" }] }, 4000)
    await bad({ bot_id: sim.bots.plain, user_id: "u" }, 4000)
    await bad({ bot_id: sim.bots.plain, user_id: "u", stream: "yes", additional_messages: ask("x") }, 4000)
    await bad({ bot_id: "7999999999999999999", user_id: "u", additional_messages: ask("x") }, 4006)
    await bad({ bot_id: sim.bots.unpublished, user_id: "u", stream: true, additional_messages: ask("x") }, 4015)
    await bad({ bot_id: sim.bots.plain, user_id: "u", stream: false, auto_save_history: false, additional_messages: ask("x") }, 4007)
    await bad({ bot_id: sim.bots.plain, user_id: "u", additional_messages: ask("x") }, 4002, "7123456789012345678")
    const notJson = await fetch(`${sim.url}/v3/chat`, { method: "POST", headers: authed(sim.pat), body: "{not json" })
    expect(await notJson.json()).toMatchObject({ code: 4000 })
  })

  it("chats with an unpublished bot's draft when publish_status is unpublished_draft, and with history before the query", async () => {
    const r = await chat({
      bot_id: sim.bots.unpublished, user_id: "u", publish_status: "unpublished_draft",
      additional_messages: [
        { role: "user", type: "question", content: "earlier", content_type: "text" },
        { role: "assistant", type: "answer", content: "earlier answer", content_type: "text" },
        { role: "user", type: "question", content: "now", content_type: "text" }
      ]
    })
    expect(r.body.code).toBe(0)
    const messages = sim.conversations.get(r.body.data.conversation_id)!.messages
    expect(messages.slice(0, 3).map((m) => [m.role, m.type, m.content])).toEqual([
      ["user", "question", "earlier"], ["assistant", "answer", "earlier answer"], ["user", "question", "now"]
    ])
  })

  it("answers unknown paths with 404 and code 4200", async () => {
    const r = await call(sim, "GET", "/v1/users/me")
    expect(r.status).toBe(404)
    expect(r.body.code).toBe(4200)
  })
})
