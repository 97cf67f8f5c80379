import { readSse } from "./SseReader.js"
import { decodeError, decodeEvent, decodeHistory, decodeSession, type WireEvent } from "./wire.js"

/** Why a request failed: the network (retry later), or the server's refusal (`code` as the API names it). */
export type ApiFailure =
  | { readonly kind: "network" }
  | { readonly kind: "refused"; readonly status: number; readonly code: string; readonly message: string }

/** A failed request, thrown by the Api functions. */
export class ApiError extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.kind === "network" ? "network" : failure.code)
  }
}

/** What the widget sends with a message (the server's chat body). */
export interface ChatRequest {
  readonly shopId: string
  readonly message: string
  readonly clientMessageId: string
  readonly conversationId?: string | undefined
  readonly locale: string
  readonly context?: { readonly path?: string; readonly productId?: string } | undefined
}

const refused = async (res: Response): Promise<never> => {
  const body = decodeError(await res.json().catch(() => undefined))
  throw new ApiError({ kind: "refused", status: res.status, code: body?.code ?? "internal", message: body?.message ?? "" })
}

/** The server's visitor API over fetch: sessions, the streamed chat (resumable), history, events, handoff. */
export const makeApi = (base: string, auth: () => string | undefined) => {
  const call = async (path: string, init: RequestInit & { lastEventId?: string | undefined } = {}) => {
    const headers: Record<string, string> = { "Content-Type": "application/json" }
    const token = auth()
    if (token !== undefined) headers.Authorization = `Bearer ${token}`
    if (init.lastEventId !== undefined) headers["Last-Event-ID"] = init.lastEventId
    let res: Response
    try {
      res = await fetch(base + path, { ...init, headers, cache: "no-store" })
    } catch {
      throw new ApiError({ kind: "network" })
    }
    return res.ok ? res : refused(res)
  }
  const stream = async (res: Response, onEvent: (id: string | undefined, event: WireEvent) => void) => {
    if (res.body === null) throw new ApiError({ kind: "network" })
    try {
      await readSse(res.body, (e) => {
        const event = decodeEvent(e.data)
        if (event !== undefined) onEvent(e.id, event)
      })
    } catch {
      throw new ApiError({ kind: "network" })
    }
  }
  return {
    /** A new visitor token for the shop. */
    session: async (shopId: string) => {
      const res = await call("/api/visitor/session", { method: "POST", body: JSON.stringify({ shopId }) })
      const session = decodeSession(await res.json())
      if (session === undefined) throw new ApiError({ kind: "network" })
      return session
    },
    /**
     * Sends a message and reads the reply's events; with `lastEventId` it resumes that turn after
     * the event. Resolves when the stream ends (check for `done` to know whether it completed).
     */
    chat: async (request: ChatRequest, onEvent: (id: string | undefined, event: WireEvent) => void, lastEventId?: string, signal?: AbortSignal) => {
      const res = await call("/api/coze/chat/stream", { method: "POST", body: JSON.stringify(request), lastEventId, signal: signal ?? null })
      await stream(res, onEvent)
    },
    /** The visitor's conversation: status and its latest messages. */
    history: async (conversationId: string) => {
      const res = await call(`/api/conversations/${encodeURIComponent(conversationId)}/messages?limit=100`)
      const history = decodeHistory(await res.json())
      if (history === undefined) throw new ApiError({ kind: "network" })
      return history
    },
    /** Live messages and status changes of the conversation (agents, handoff), after message `afterSeq`. */
    events: async (conversationId: string, afterSeq: number, onEvent: (id: string | undefined, event: WireEvent) => void, signal: AbortSignal) => {
      const res = await call(`/api/conversations/${encodeURIComponent(conversationId)}/events`, { lastEventId: String(afterSeq), signal })
      await stream(res, onEvent)
    },
    /** Tells the server the visitor is typing: the bot gets ready for the message, and agents of the conversation see it. */
    typing: async (shopId: string, conversationId: string | undefined) => {
      await call("/api/visitor/typing", { method: "POST", body: JSON.stringify({ shopId, conversationId }) })
    },
    /** Asks for a person to take over. */
    requestHuman: async (conversationId: string) => {
      await call(`/api/conversations/${encodeURIComponent(conversationId)}/human`, { method: "POST", body: "{}" })
    }
  }
}

/** The visitor API. */
export type Api = ReturnType<typeof makeApi>
