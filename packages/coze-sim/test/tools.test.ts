import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { type CozeSimulator, startCozeSimulator } from "@chatbot-node/coze-sim"
import { answersById, call, json, parseSse, pollChat, streamChat, authed } from "./support/wire.js"

describe("coze-sim function calls, follow-ups and requires_action", () => {
  let sim: CozeSimulator
  beforeAll(async () => {
    sim = await startCozeSimulator()
  })
  afterAll(() => sim.close())

  it("the functionCall bot completes a function_call (unquoted 19-digit numbers) and a tool_response before answering", async () => {
    const { events } = await streamChat(sim, sim.bots.functionCall, "red shoes")
    const completed = events.filter((e) => e.event === "conversation.message.completed").map((e) => json(e))
    expect(completed.map((m) => m.type)).toEqual(["function_call", "tool_response", "answer", "verbose"])
    expect(completed[0]!.content).toContain("\"plugin_id\":7281192623887548473")
    const firstDelta = events.findIndex((e) => e.event === "conversation.message.delta")
    const toolResponse = events.findIndex((e) => e.event === "conversation.message.completed" && json(e).type === "tool_response")
    expect(toolResponse).toBeLessThan(firstDelta)
  })

  it("the followUps bot sends three follow_up messages after generate_answer_finish", async () => {
    const { events } = await streamChat(sim, sim.bots.followUps, "你好")
    const completed = events.filter((e) => e.event === "conversation.message.completed").map((e) => json(e))
    expect(completed.map((m) => m.type)).toEqual(["answer", "verbose", "follow_up", "follow_up", "follow_up"])
    expect(completed[2]!.content).toMatch(/[\u4e00-\u9fff]/)
  })

  it("the toolCall bot stops at requires_action; a streamed submit_tool_outputs continues with an answer using the output", async () => {
    const { events } = await streamChat(sim, sim.bots.toolCall, "waterproof boots")
    expect(events.map((e) => e.event)).toEqual([
      "conversation.chat.created", "conversation.chat.in_progress", "conversation.chat.requires_action", "done"
    ])
    const chat = json(events[2]!)
    const toolCall = chat.required_action.submit_tool_outputs.tool_calls[0]
    expect(toolCall).toMatchObject({ type: "function", function: { name: "get_product_list" } })
    expect(JSON.parse(toolCall.function.arguments)).toEqual({ query: "waterproof boots", limit: 3 })
    const busy = await streamChat(sim, sim.bots.plain, "meanwhile", { conversationId: chat.conversation_id })
    expect(busy.res.status).toBe(200)
    const path = `/v3/chat/submit_tool_outputs?conversation_id=${chat.conversation_id}&chat_id=${chat.id}`
    const wrong = await call(sim, "POST", path, { tool_outputs: [{ tool_call_id: "nope", output: "x" }], stream: true })
    expect(wrong.body.code).toBe(4000)

    const output = JSON.stringify([{ id: "p1", name: "Trail boot" }])
    const res = await fetch(`${sim.url}${path}`, {
      method: "POST", headers: authed(sim.pat), body: JSON.stringify({ tool_outputs: [{ tool_call_id: toolCall.id, output }], stream: true })
    })
    const continued = parseSse(await res.text())
    expect(continued[0]!.event).toBe("conversation.chat.in_progress")
    expect(continued.map((e) => e.event).slice(-2)).toEqual(["conversation.chat.completed", "done"])
    expect([...answersById(continued).values()][0]).toContain("Trail boot")
    expect(json(continued.at(-2)!)).toMatchObject({ id: chat.id, status: "completed" })
    expect(sim.stats.submits).toBe(1)
    const again = await call(sim, "POST", path, { tool_outputs: [{ tool_call_id: toolCall.id, output }], stream: true })
    expect(again.body.code).toBe(4000)
  })

  it("submit_tool_outputs without stream answers the chat object and completes for retrieve", async () => {
    const created = await call(sim, "POST", "/v3/chat", { bot_id: sim.bots.toolCall, user_id: "u", additional_messages: [{ role: "user", content: "sandals", content_type: "text" }] })
    const { id, conversation_id } = created.body.data
    const waiting = await pollChat(sim, conversation_id, id)
    expect(waiting.status).toBe("requires_action")
    const toolCallId = waiting.required_action.submit_tool_outputs.tool_calls[0].id
    const submitted = await call(sim, "POST", `/v3/chat/submit_tool_outputs?conversation_id=${conversation_id}&chat_id=${id}`, {
      tool_outputs: [{ tool_call_id: toolCallId, output: "Beach sandal, 19.00" }]
    })
    expect(submitted.body).toMatchObject({ code: 0, data: { id, status: "in_progress" } })
    expect(await pollChat(sim, conversation_id, id)).toMatchObject({ status: "completed" })
    const list = await call(sim, "GET", `/v3/chat/message/list?conversation_id=${conversation_id}&chat_id=${id}`)
    const types = list.body.data.map((m: { type: string }) => m.type)
    expect(types).toContain("answer")
    expect(list.body.data.find((m: { type: string }) => m.type === "answer").content).toContain("Beach sandal")
  })
})
