import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type CozeSimulator, startCozeSimulator } from "@chatbot-node/coze-sim"
import { answersById, json, streamChat } from "./support/wire.js"

describe("coze-sim streamed /v3/chat", () => {
  let sim: CozeSimulator
  beforeAll(async () => {
    sim = await startCozeSimulator()
  })
  afterAll(() => sim.close())

  it("plays the typical order for the plain bot, with one answer grouped by message id", async () => {
    const { res, events } = await streamChat(sim, sim.bots.plain, "Do you ship to Berlin?")
    expect(res.headers.get("x-tt-logid")).toBeTruthy()
    const names = events.map((e) => e.event)
    expect(names.slice(0, 2)).toEqual(["conversation.chat.created", "conversation.chat.in_progress"])
    expect(names.slice(-2)).toEqual(["conversation.chat.completed", "done"])
    const answers = answersById(events)
    expect(answers.size).toBe(1)
    const [id, text] = [...answers][0]!
    expect(text).toContain("Do you ship to Berlin?")
    const completed = events.filter((e) => e.event === "conversation.message.completed").map((e) => json(e))
    expect(completed[0]).toMatchObject({ id, type: "answer", content: text })
    expect(JSON.parse(completed[1]!.content)).toMatchObject({ msg_type: "generate_answer_finish" })
    const created = json(events[0]!)
    expect(created.id).toMatch(/^\d{19}$/)
    expect(created.conversation_id).toMatch(/^\d{19}$/)
    const done = json(events.at(-2)!)
    expect(done).toMatchObject({ status: "completed", usage: { token_count: expect.any(Number) } })
    expect(sim.conversations.get(created.conversation_id)?.messages.map((m) => m.type)).toEqual(["question", "answer", "verbose"])
  })

  it("answers at length for the long bot: the plain answer twelve times over, in some two hundred deltas", async () => {
    const { events } = await streamChat(sim, sim.bots.long, "Which running shoes do you recommend?")
    const deltas = events.filter((e) => e.event === "conversation.message.delta")
    const [text] = [...answersById(events).values()]
    expect(text!.split("Which running shoes do you recommend?").length - 1).toBe(12)
    expect(deltas.length).toBeGreaterThan(200)
  })

  it("answers in the language of the question", async () => {
    const zh = answersById((await streamChat(sim, sim.bots.plain, "你们有运动鞋吗？")).events)
    const es = answersById((await streamChat(sim, sim.bots.plain, "¿Tienen zapatos rojos?")).events)
    const en = answersById((await streamChat(sim, sim.bots.plain, "Do you have red shoes?")).events)
    expect([...zh.values()][0]).toContain("感谢")
    expect([...es.values()][0]).toContain("Gracias")
    expect([...en.values()][0]).toContain("Thanks")
  })

  it("splits the function-call markup of the markup bot across deltas", async () => {
    const { events } = await streamChat(sim, sim.bots.markup, "red shoes")
    const deltas = events.filter((e) => e.event === "conversation.message.delta").map((e) => json(e).content as string)
    const text = deltas.join("")
    const m = /<\|FunctionCallBegin\|>(.*)<\|FunctionCallEnd\|>/s.exec(text)
    expect(JSON.parse(m![1]!)).toEqual([{ name: "get_product_list", parameters: { query: "red shoes", limit: 3 } }])
    expect(deltas.some((d) => d.includes("<|FunctionCallBegin|>"))).toBe(false)
  })

  it("varies the open wire forms: `event:x` and `event: x`, `[DONE]` and `\"[DONE]\"`", async () => {
    const raws: Array<string> = []
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${sim.url}/v3/chat`, {
        method: "POST", headers: { authorization: `Bearer ${sim.pat}`, "content-type": "application/json" },
        body: JSON.stringify({ bot_id: sim.bots.plain, user_id: "u", stream: true, additional_messages: [{ role: "user", content: "hi", content_type: "text" }] })
      })
      raws.push(await res.text())
    }
    const all = raws.join("")
    expect(all).toMatch(/^event:conversation/m)
    expect(all).toMatch(/^event: conversation/m)
    expect(all).toMatch(/^data:\[DONE\]$/m)
    expect(all).toMatch(/^data:"\[DONE\]"$/m)
  })
})
