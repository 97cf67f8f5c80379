import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { ChatEventType, CozeAPI, getJWTToken, RoleType } from "@coze/api"
import { type CozeSimulator, startCozeSimulator } from "@chatbot-node/coze-sim"
import { makeHandler } from "../src/worker.js"
import { type Served, serveHandler } from "./support/serveHandler.js"

const secret = "reference-client-secret"

/** Reads a whole streamed chat with the official SDK and returns the event names and the answer text. */
const readChat = async (client: CozeAPI, botId: string, text: string) => {
  const events: Array<string> = []
  let answer = ""
  let conversationId = ""
  let error: unknown = undefined
  for await (const part of client.chat.stream({
    bot_id: botId,
    additional_messages: [{ role: RoleType.User, content: text, content_type: "text" }]
  })) {
    events.push(part.event)
    if (part.event === ChatEventType.CONVERSATION_CHAT_CREATED) conversationId = part.data.conversation_id
    if (part.event === ChatEventType.CONVERSATION_MESSAGE_DELTA) answer += part.data.content
    if (part.event === ChatEventType.ERROR) error = part.data
  }
  return { events, answer, conversationId, error }
}

describe("the official @coze/api SDK through the proxy Worker against the simulator", () => {
  let sim: CozeSimulator
  let proxy: Served
  beforeAll(async () => {
    sim = await startCozeSimulator()
    proxy = await serveHandler(makeHandler({ upstream: sim.url, secret }))
  })
  afterAll(async () => {
    await proxy.close()
    await sim.close()
  })

  it("streams a chat to done with a personal access token", async () => {
    const client = new CozeAPI({ baseURL: proxy.url, token: sim.pat, headers: { "X-Proxy-Secret": secret } })
    for (let i = 0; i < 2; i++) {
      // Two runs: the simulator alternates `event:x`/`event: x` and `[DONE]`/`"[DONE]"` between streams.
      const { events, answer, conversationId } = await readChat(client, sim.bots.plain, "Do you sell umbrellas?")
      expect(events[0]).toBe(ChatEventType.CONVERSATION_CHAT_CREATED)
      expect(events.at(-2)).toBe(ChatEventType.CONVERSATION_CHAT_COMPLETED)
      expect(events.at(-1)).toBe(ChatEventType.DONE)
      expect(answer).toContain("Do you sell umbrellas?")
      expect(conversationId).toMatch(/^\d{19}$/)
    }
  })

  it("signs a JWT with the SDK's getJWTToken, exchanges it through the proxy and streams with the token", async () => {
    const token = await getJWTToken(
      {
        baseURL: proxy.url, appId: sim.oauth.clientId, aud: sim.audience, keyid: sim.oauth.kid,
        privateKey: sim.oauth.privateKeyPem, sessionName: "visitor-sdk", durationSeconds: 900
      },
      { headers: { "X-Proxy-Secret": secret } }
    )
    expect(token.access_token).toMatch(/^czs_/)
    expect(token.expires_in).toBeGreaterThan(Date.now() / 1000)
    expect(sim.stats.sessionNames).toContain("visitor-sdk")
    const client = new CozeAPI({ baseURL: proxy.url, token: async () => token.access_token, headers: { "X-Proxy-Secret": secret } })
    const { events, answer } = await readChat(client, sim.bots.plain, "你好，有雨伞吗？")
    expect(events.at(-1)).toBe(ChatEventType.DONE)
    expect(answer).toContain("感谢")
  })

  it("reads the markup, follow-up and function-call bots to done", async () => {
    const client = new CozeAPI({ baseURL: proxy.url, token: sim.pat, headers: { "X-Proxy-Secret": secret } })
    const markup = await readChat(client, sim.bots.markup, "boots")
    expect(markup.answer).toContain("<|FunctionCallBegin|>")
    const followUps = await readChat(client, sim.bots.followUps, "boots")
    expect(followUps.events.filter((e) => e === ChatEventType.CONVERSATION_MESSAGE_COMPLETED).length).toBe(5)
    const functionCall = await readChat(client, sim.bots.functionCall, "boots")
    expect(functionCall.events.at(-1)).toBe(ChatEventType.DONE)
  })

  it("surfaces the simulator's errors as the SDK's typed errors", async () => {
    const client = new CozeAPI({ baseURL: proxy.url, token: sim.pat, headers: { "X-Proxy-Secret": secret } })
    // A JSON envelope where SSE was asked: the SDK yields it as an `error` event (its trailing-buffer rule).
    const unpublished = await readChat(client, sim.bots.unpublished, "hi")
    expect(unpublished.events).toEqual([ChatEventType.ERROR])
    expect(unpublished.error).toMatchObject({ code: 4015 })
    const bad = new CozeAPI({ baseURL: proxy.url, token: "czs_expired", headers: { "X-Proxy-Secret": secret } })
    await expect(bad.workspaces.list()).rejects.toMatchObject({ code: 4100 })
    await expect(bad.workspaces.list()).rejects.toMatchObject({ code: 4100 })
  })
})
