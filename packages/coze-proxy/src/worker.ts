/**
 * The Coze proxy: a Cloudflare module Worker that relays the Coze Open API paths Chatbot-Node uses to
 * api.coze.cn, streaming bodies both ways unbuffered. It only serves callers that present the shared
 * `X-Proxy-Secret`, so it is not an open proxy. Web APIs only (no Node imports).
 */

/** The Worker's bindings (`wrangler.toml` vars and secrets). */
export interface Env {
  /** Where to forward; default `https://api.coze.cn`. */
  readonly COZE_UPSTREAM?: string
  /** The shared secret the server sends as `X-Proxy-Secret` (`wrangler secret put COZE_PROXY_SECRET`). */
  readonly COZE_PROXY_SECRET?: string
}

/** The part of Cloudflare's ExecutionContext the Worker could use. */
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void
}

/** What `makeHandler` needs: the upstream origin, the shared secret and optionally the fetch to use. */
export interface ProxyOptions {
  readonly upstream: string
  readonly secret: string
  readonly fetch?: typeof fetch
}

/** The default upstream: Coze's China API host. */
export const defaultUpstream = "https://api.coze.cn"

/** The header carrying the shared secret. */
export const secretHeader = "X-Proxy-Secret"

const allowed: ReadonlyArray<{ readonly path: string | RegExp; readonly methods: ReadonlyArray<string> }> = [
  { path: "/v3/chat", methods: ["POST"] },
  { path: "/v3/chat/retrieve", methods: ["GET", "POST"] },
  { path: "/v3/chat/message/list", methods: ["GET"] },
  { path: "/v3/chat/submit_tool_outputs", methods: ["POST"] },
  { path: "/v3/chat/cancel", methods: ["POST"] },
  { path: "/v1/conversation/create", methods: ["POST"] },
  { path: "/v1/conversation/message/list", methods: ["POST"] },
  { path: "/v1/bots", methods: ["GET"] },
  { path: /^\/v1\/bots\/\d+$/, methods: ["GET"] },
  { path: "/v1/bot/create", methods: ["POST"] },
  { path: "/v1/bot/update", methods: ["POST"] },
  { path: "/v1/bot/publish", methods: ["POST"] },
  { path: "/v1/workspaces", methods: ["GET"] },
  { path: "/api/permission/oauth2/token", methods: ["POST"] }
]

/** Request headers passed upstream; everything else (the secret, cookies, encodings) stays behind. */
const forwardedRequestHeaders = ["authorization", "content-type", "accept", "user-agent", "x-coze-client-user-agent"]

/** Response headers not passed back: hop-by-hop ones, and the encoding/length of a body fetch already decoded. */
const droppedResponseHeaders = new Set([
  "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authenticate",
  "proxy-connection", "content-encoding", "content-length"
])

const nullBodyStatuses = new Set([101, 204, 205, 304])

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", ...headers } })

const encoder = new TextEncoder()

/** Compares a presented secret with the expected one in time that depends only on the expected length. */
export const secretMatches = (presented: string | null, expected: string): boolean => {
  if (presented === null || expected.length === 0) return false
  const a = encoder.encode(presented)
  const b = encoder.encode(expected)
  let diff = a.length ^ b.length
  for (let i = 0; i < b.length; i++) diff |= (a[i % Math.max(a.length, 1)] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

/** Builds the proxy's request handler (the Worker's `fetch`, and what the tests serve on a local port). */
export const makeHandler = (options: ProxyOptions) => {
  const upstream = options.upstream.replace(/\/+$/, "")
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init))
  return async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const method = request.method.toUpperCase()
    if (url.pathname === "/health" && (method === "GET" || method === "HEAD")) return json(200, { status: "ok" })
    if (!secretMatches(request.headers.get(secretHeader), options.secret)) {
      return json(401, { code: 401, msg: `missing or wrong ${secretHeader}` })
    }
    const route = allowed.find((r) => (typeof r.path === "string" ? r.path === url.pathname : r.path.test(url.pathname)))
    if (route === undefined) return json(404, { code: 404, msg: `not proxied: ${url.pathname}` })
    if (!route.methods.includes(method)) return json(405, { code: 405, msg: `method not allowed: ${method}` }, { Allow: route.methods.join(", ") })

    const headers = new Headers()
    for (const name of forwardedRequestHeaders) {
      const value = request.headers.get(name)
      if (value !== null) headers.set(name, value)
    }
    const hasBody = method !== "GET" && method !== "HEAD" && request.body !== null
    let response: Response
    try {
      response = await doFetch(`${upstream}${url.pathname}${url.search}`, {
        method, headers, redirect: "manual", signal: request.signal,
        ...(hasBody ? { body: request.body, duplex: "half" } : {})
      } as RequestInit)
    } catch (e) {
      if (request.signal.aborted) return json(499, { code: 499, msg: "client closed the request" })
      return json(502, { code: 502, msg: `upstream unreachable: ${e instanceof Error ? e.message : String(e)}` })
    }
    const out = new Headers()
    response.headers.forEach((value, name) => {
      if (!droppedResponseHeaders.has(name.toLowerCase())) out.set(name, value)
    })
    if ((response.headers.get("content-type") ?? "").includes("text/event-stream")) {
      out.set("X-Accel-Buffering", "no")
      out.set("Cache-Control", "no-cache, no-transform")
    }
    return new Response(nullBodyStatuses.has(response.status) ? null : response.body, {
      status: response.status, statusText: response.statusText, headers: out
    })
  }
}

/** The Cloudflare module Worker. */
export default {
  async fetch(request: Request, env: Env, _ctx: WorkerContext): Promise<Response> {
    const secret = env.COZE_PROXY_SECRET ?? ""
    if (secret === "" && new URL(request.url).pathname !== "/health") {
      return json(500, { code: 500, msg: "the proxy is not configured: set COZE_PROXY_SECRET" })
    }
    return makeHandler({ upstream: env.COZE_UPSTREAM ?? defaultUpstream, secret })(request)
  }
}
