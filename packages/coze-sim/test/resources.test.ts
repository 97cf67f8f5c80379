import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type CozeSimulator, startCozeSimulator } from "@chatbot-node/coze-sim"
import { ask, call, parseSse, postChat } from "./support/wire.js"

describe("coze-sim conversations, bots and workspaces", () => {
  let sim: CozeSimulator
  beforeAll(async () => {
    sim = await startCozeSimulator()
  })
  afterAll(() => sim.close())

  it("creates a conversation, chats in it, and lists its questions and answers at top level", async () => {
    const created = await call(sim, "POST", "/v1/conversation/create", { bot_id: sim.bots.plain, meta_data: { shop: "s1" } })
    expect(created.body).toMatchObject({ code: 0, data: { meta_data: { shop: "s1" } } })
    const id = created.body.data.id as string
    expect(id).toMatch(/^\d{19}$/)
    for (const q of ["first", "second"]) {
      await (await postChat(sim, { bot_id: sim.bots.plain, user_id: "u", stream: true, additional_messages: ask(q) }, { conversationId: id })).text()
    }
    const list = await call(sim, "POST", `/v1/conversation/message/list?conversation_id=${id}`, {})
    expect(list.body.code).toBe(0)
    expect(list.body.data.map((m: { type: string }) => m.type)).toEqual(["answer", "question", "answer", "question"])
    expect(list.body).toMatchObject({ first_id: list.body.data[0].id, last_id: list.body.data[3].id, has_more: false })
    const asc = await call(sim, "POST", `/v1/conversation/message/list?conversation_id=${id}`, { order: "asc", limit: 3 })
    expect(asc.body.data.map((m: { content: string }) => m.content).slice(0, 1)).toEqual(["first"])
    expect(asc.body.has_more).toBe(true)
    const next = await call(sim, "POST", `/v1/conversation/message/list?conversation_id=${id}`, { order: "asc", after_id: asc.body.last_id })
    expect(next.body.data.length).toBe(1)
    expect((await call(sim, "POST", "/v1/conversation/message/list?conversation_id=42", {})).body.code).toBe(4002)
  })

  it("lists, gets, creates, updates and publishes bots; a new bot answers 4015 until published to 1024", async () => {
    const online = await call(sim, "GET", `/v1/bots?workspace_id=${sim.workspaceId}`)
    expect(online.body.data.items.map((b: { id: string }) => b.id)).not.toContain(sim.bots.unpublished)
    expect(online.body.data.items.every((b: { id: string; is_published: boolean }) => /^\d{19}$/.test(b.id) && b.is_published)).toBe(true)
    const all = await call(sim, "GET", `/v1/bots?workspace_id=${sim.workspaceId}&publish_status=all&page_size=2&page_num=1`)
    expect(all.body.data).toMatchObject({ total: 7 })
    expect(all.body.data.items.length).toBe(2)
    expect((await call(sim, "GET", "/v1/bots?workspace_id=7000000000000000999")).body.code).toBe(4101)
    expect((await call(sim, "GET", "/v1/bots")).body.code).toBe(4000)

    const created = await call(sim, "POST", "/v1/bot/create", { space_id: sim.workspaceId, name: "Shop helper", prompt_info: { prompt: "Be kind." } })
    const botId = created.body.data.bot_id as string
    expect(botId).toMatch(/^\d{19}$/)
    expect((await call(sim, "POST", "/v1/bot/create", { space_id: sim.workspaceId, name: "" })).body.code).toBe(4000)
    const updated = await call(sim, "POST", "/v1/bot/update", { bot_id: botId, name: "Shop helper 2", onboarding_info: { prologue: "Hi!" } })
    expect(updated.body).toMatchObject({ code: 0 })
    expect(updated.body.data).toBeUndefined()
    const info = await call(sim, "GET", `/v1/bots/${botId}?is_published=false`)
    expect(info.body.data).toMatchObject({ bot_id: botId, name: "Shop helper 2", prompt_info: { prompt: "Be kind." }, onboarding_info: { prologue: "Hi!" } })
    const before = await postChat(sim, { bot_id: botId, user_id: "u", stream: true, additional_messages: ask("hi") })
    expect(await before.json()).toMatchObject({ code: 4015 })
    const published = await call(sim, "POST", "/v1/bot/publish", { bot_id: botId, connector_ids: ["1024"] })
    expect(published.body.data).toMatchObject({ bot_id: botId, version: expect.any(String) })
    const after = parseSse(await (await postChat(sim, { bot_id: botId, user_id: "u", stream: true, additional_messages: ask("hi") })).text())
    expect(after.at(-1)!.event).toBe("done")
    expect((await call(sim, "GET", "/v1/bots/7999999999999999999")).body.code).toBe(4006)
  })

  it("lists the personal workspace", async () => {
    const r = await call(sim, "GET", "/v1/workspaces")
    expect(r.body.data).toMatchObject({ total_count: 1, workspaces: [{ id: sim.workspaceId, workspace_type: "personal", role_type: "owner" }] })
  })
})
