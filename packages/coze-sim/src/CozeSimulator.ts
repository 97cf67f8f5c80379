import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import type { Fault } from "./Faults.js"
import { CozeFailure, type Exchange, sendFailure, sleep, writeHead } from "./Http.js"
import { expireAllTokens, handleTokenExchange, makeOAuth, requireBearer, type SimOAuth } from "./SimAuth.js"
import { nextLogId, randomToken } from "./SimIds.js"
import { type Pace, type SimConversation, SimState, type SimStats } from "./SimState.js"
import { addBot, handleCreateBot, handleGetBot, handleListBots, handlePublishBot, handleUpdateBot, handleWorkspaces } from "./routes/BotRoutes.js"
import { handleCancel, handleChat, handleChatMessages, handleRetrieve, handleSubmitToolOutputs } from "./routes/ChatRoutes.js"
import { handleConversationCreate, handleConversationMessages } from "./routes/ConversationRoutes.js"

/** Options of `startCozeSimulator`. */
export interface CozeSimulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number
  /** Caps the lifetime of issued access tokens (default: the requested `duration_seconds`, at most 86399). */
  readonly tokenTtlSeconds?: number
}

/** The scripted bots' ids by name. */
export interface SimBots {
  readonly plain: string
  /** Answers at length (about 1,400 characters, ~230 deltas in English): a product comparison's worth. */
  readonly long: string
  readonly markup: string
  readonly followUps: string
  readonly functionCall: string
  readonly toolCall: string
  readonly unpublished: string
}

/** A running Coze simulator: a real HTTP server on 127.0.0.1 speaking the Coze Open API wire format. */
export interface CozeSimulator {
  readonly url: string
  readonly audience: string
  readonly oauth: SimOAuth
  readonly pat: string
  readonly workspaceId: string
  readonly bots: SimBots
  readonly fault: (fault: Fault) => void
  readonly clearFaults: () => void
  readonly pace: (pace: Pace | undefined) => void
  readonly stats: SimStats
  readonly conversations: ReadonlyMap<string, SimConversation>
  readonly close: () => Promise<void>
}

type Route = (ex: Exchange) => void | Promise<void>

const routes: Record<string, Route> = {
  "POST /v3/chat": handleChat,
  "GET /v3/chat/retrieve": handleRetrieve,
  "POST /v3/chat/retrieve": handleRetrieve,
  "GET /v3/chat/message/list": handleChatMessages,
  "POST /v3/chat/submit_tool_outputs": handleSubmitToolOutputs,
  "POST /v3/chat/cancel": handleCancel,
  "POST /v1/conversation/create": handleConversationCreate,
  "POST /v1/conversation/message/list": handleConversationMessages,
  "GET /v1/bots": handleListBots,
  "POST /v1/bot/create": handleCreateBot,
  "POST /v1/bot/update": handleUpdateBot,
  "POST /v1/bot/publish": handlePublishBot,
  "GET /v1/workspaces": handleWorkspaces
}

const routeOf = (method: string, path: string): Route | undefined => {
  const direct = routes[`${method} ${path}`]
  if (direct !== undefined) return direct
  const bot = method === "GET" ? /^\/v1\/bots\/(\d+)$/.exec(path) : null
  return bot === null ? undefined : (ex) => handleGetBot(ex, bot[1] as string)
}

const gatewayFailure = (ex: Exchange, status: number): void => {
  if (status === 500) {
    sendFailure(ex, new CozeFailure(5000, "internal server error", 500))
    return
  }
  const text = `<html><head><title>${status}</title></head><body><center><h1>${status} ${status === 502 ? "Bad Gateway" : "Service Unavailable"}</h1></center></body></html>`
  writeHead(ex, status, { "Content-Type": "text/html", "Content-Length": String(Buffer.byteLength(text)) })
  ex.res.end(text)
}

/** Starts the simulator; the scripted bots, the key pair and the PAT are fresh each time. */
export const startCozeSimulator = async (options: CozeSimulatorOptions = {}): Promise<CozeSimulator> => {
  const audience = "api.coze.cn"
  const { oauth, publicKey } = await makeOAuth()
  const state = new SimState("7000000000000000001", randomToken("pat_"), options.tokenTtlSeconds)
  const bots: SimBots = {
    plain: addBot(state, "Plain", "plain", true).id,
    long: addBot(state, "Long", "long", true).id,
    markup: addBot(state, "Markup", "markup", true).id,
    followUps: addBot(state, "Follow-ups", "followUps", true).id,
    functionCall: addBot(state, "Function call", "functionCall", true).id,
    toolCall: addBot(state, "Tool call", "toolCall", true).id,
    unpublished: addBot(state, "Unpublished", "plain", false).id
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1")
    const ex: Exchange = { req, res, method: req.method ?? "GET", path: url.pathname, query: url.searchParams, logId: nextLogId(), state }
    try {
      for (const f of state.faults.take(ex.path, undefined, ["delayFirstByte"])) if (f.kind === "delayFirstByte") await sleep(f.ms)
      // A client that gave up during the delay never reached "Coze": nothing is created for it.
      if (req.socket.destroyed) return
      const http = state.faults.take(ex.path, undefined, ["http"]).find((f) => f.kind === "http")
      if (http?.kind === "http") return gatewayFailure(ex, http.status)
      if (ex.method === "POST" && ex.path === "/api/permission/oauth2/token") {
        return await handleTokenExchange(ex, oauth, publicKey, audience)
      }
      const route = routeOf(ex.method, ex.path)
      if (route === undefined) throw new CozeFailure(4200, `no such API: ${ex.method} ${ex.path}`, 404)
      requireBearer(ex)
      await route(ex)
    } catch (e) {
      if (res.headersSent) {
        res.destroy()
        return
      }
      sendFailure(ex, e instanceof CozeFailure ? e : new CozeFailure(5000, `internal server error: ${String(e)}`, 500))
    }
  }

  const server = createServer((req, res) => void handle(req, res))
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve())
  })
  const port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}`,
    audience,
    oauth,
    pat: state.pat,
    workspaceId: state.workspaceId,
    bots,
    fault: (fault) => (fault.kind === "expireTokens" ? expireAllTokens(state) : state.faults.add(fault)),
    clearFaults: () => state.faults.clear(),
    pace: (pace) => {
      state.pace = pace
    },
    stats: state.stats,
    conversations: state.conversations,
    close: async () => {
      state.closed = true
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
