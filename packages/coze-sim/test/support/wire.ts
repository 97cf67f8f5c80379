import * as jose from "jose"
import type { CozeSimulator } from "@chatbot-node/coze-sim"

/** One SSE event as a client reads it: the name and the raw data line. */
export interface SseEvent {
  readonly event: string
  readonly data: string
}

/** Parses an SSE body the way the official SDK does (trimmed `field:value` lines, an event per `data`). */
export const parseSse = (text: string): Array<SseEvent> => {
  const events: Array<SseEvent> = []
  let event = ""
  for (const line of text.split("\n")) {
    const i = line.indexOf(":")
    if (i < 0) continue
    const field = line.slice(0, i).trim()
    const value = line.slice(i + 1).trim()
    if (field === "event") event = value
    if (field === "data") events.push({ event, data: value })
  }
  return events
}

/** The JSON payload of an event. */
export const json = <T = Record<string, any>>(e: SseEvent): T => JSON.parse(e.data) as T

/** Headers with a bearer token and a JSON body. */
export const authed = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}`, "content-type": "application/json" })

/** A user question as `additional_messages`. */
export const ask = (text: string) => [{ role: "user", type: "question", content: text, content_type: "text" }]

/** `POST /v3/chat`. */
export const postChat = (sim: CozeSimulator, body: Record<string, unknown>, opts: { token?: string; conversationId?: string } = {}) =>
  fetch(`${sim.url}/v3/chat${opts.conversationId !== undefined ? `?conversation_id=${opts.conversationId}` : ""}`, {
    method: "POST", headers: authed(opts.token ?? sim.pat), body: JSON.stringify(body)
  })

/** Streams a question to a bot and returns the parsed events. */
export const streamChat = async (sim: CozeSimulator, botId: string, text: string, opts: { token?: string; conversationId?: string } = {}) => {
  const res = await postChat(sim, { bot_id: botId, user_id: "visitor-1", stream: true, additional_messages: ask(text) }, opts)
  return { res, events: parseSse(await res.text()) }
}

/** Signs a JWT for the simulator's OAuth app, with overridable parts. */
export const signJwt = async (
  sim: CozeSimulator,
  over: { kid?: string; aud?: string; iss?: string; jti?: string; exp?: number; sessionName?: string; key?: jose.CryptoKey } = {}
): Promise<string> => {
  const key = over.key ?? (await jose.importPKCS8(sim.oauth.privateKeyPem, "RS256"))
  const now = Math.floor(Date.now() / 1000)
  const claims: jose.JWTPayload = {}
  if (over.sessionName !== undefined) claims.session_name = over.sessionName
  return new jose.SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: over.kid ?? sim.oauth.kid })
    .setIssuer(over.iss ?? sim.oauth.clientId)
    .setAudience(over.aud ?? sim.audience)
    .setIssuedAt(now)
    .setExpirationTime(over.exp ?? now + 3600)
    .setJti(over.jti ?? crypto.randomUUID().replaceAll("-", "") + crypto.randomUUID().replaceAll("-", ""))
    .sign(key)
}

/** Exchanges a JWT for an access token. */
export const exchange = (sim: CozeSimulator, jwt: string, body: Record<string, unknown> = {}) =>
  fetch(`${sim.url}/api/permission/oauth2/token`, {
    method: "POST", headers: authed(jwt),
    body: JSON.stringify({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", duration_seconds: 900, ...body })
  })

/** Concatenates the answer deltas per message id. */
export const answersById = (events: ReadonlyArray<SseEvent>): Map<string, string> => {
  const byId = new Map<string, string>()
  for (const e of events) {
    if (e.event !== "conversation.message.delta") continue
    const m = json(e)
    byId.set(m.id, (byId.get(m.id) ?? "") + m.content)
  }
  return byId
}

/** A JSON request with the PAT. */
export const call = async (sim: CozeSimulator, method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any }> => {
  const res = await fetch(`${sim.url}${path}`, {
    method, headers: authed(sim.pat), ...(body !== undefined ? { body: JSON.stringify(body) } : {})
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text === "" ? undefined : JSON.parse(text) }
}

/** Polls retrieve until the chat leaves created/in_progress. */
export const pollChat = async (sim: CozeSimulator, conversationId: string, chatId: string): Promise<any> => {
  for (let i = 0; i < 200; i++) {
    const r = await call(sim, i % 2 === 0 ? "GET" : "POST", `/v3/chat/retrieve?conversation_id=${conversationId}&chat_id=${chatId}`)
    if (r.body.data.status !== "created" && r.body.data.status !== "in_progress") return r.body.data
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error("chat never finished")
}
