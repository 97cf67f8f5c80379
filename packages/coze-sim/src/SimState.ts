import { FaultQueue } from "./Faults.js"
import type { Language } from "./Language.js"

/** How a scripted bot behaves. */
export type BotKind = "plain" | "long" | "markup" | "followUps" | "functionCall" | "toolCall"

/** A message as the simulator stores and serves it (Coze's Message object). */
export interface SimMessage {
  id: string
  conversation_id: string
  bot_id: string
  chat_id: string
  role: "user" | "assistant"
  type: string
  content: string
  content_type: string
  meta_data: Record<string, string>
  created_at: number
  updated_at: number
  section_id: string
  reasoning_content?: string
}

/** A tool call the chat waits on (requires_action). */
export interface SimToolCall {
  id: string
  type: "function"
  function: { name: string; arguments: string }
  require_info: null
}

/** One chat (a bot invocation inside a conversation). */
export interface SimChat {
  id: string
  conversation_id: string
  bot_id: string
  created_at: number
  completed_at?: number
  failed_at?: number
  status: "created" | "in_progress" | "completed" | "failed" | "requires_action" | "canceled"
  last_error: { code: number; msg: string }
  meta_data: Record<string, string>
  section_id: string
  usage?: Record<string, number>
  required_action?: { type: "submit_tool_outputs"; submit_tool_outputs: { tool_calls: Array<SimToolCall> } }
  /** Simulator-only: what the chat was asked and in which language. */
  question: string
  language: Language
  kind: BotKind
  messages: Array<SimMessage>
}

/** A conversation and everything said in it. */
export interface SimConversation {
  id: string
  created_at: number
  meta_data: Record<string, string>
  last_section_id: string
  name?: string
  bot_id?: string
  messages: Array<SimMessage>
  runningChatId?: string | undefined
}

/** A bot of the simulated workspace. */
export interface SimBot {
  id: string
  name: string
  description: string
  kind: BotKind
  published: boolean
  version: string
  prompt: string
  prologue: string
  created_at: number
  updated_at: number
}

/** An access token issued by the token exchange. */
export interface IssuedToken {
  expiresAtMs: number
  sessionName: string | undefined
}

/** Pacing of streamed answers. */
export interface Pace {
  readonly firstTokenMs: number
  readonly tokensPerSecond: number
}

/** Live counters the simulator keeps for assertions. */
export interface SimStats {
  tokenExchanges: number
  chats: number
  submits: number
  cancels: number
  /** The `session_name` of every successful token exchange, in order (undefined when absent). */
  sessionNames: Array<string | undefined>
  requests: Array<{ method: string; path: string; status: number }>
}

/** Everything the simulator remembers between requests. */
export class SimState {
  readonly conversations = new Map<string, SimConversation>()
  readonly chats = new Map<string, SimChat>()
  readonly bots = new Map<string, SimBot>()
  readonly tokens = new Map<string, IssuedToken>()
  readonly usedJti = new Set<string>()
  readonly faults = new FaultQueue()
  readonly stats: SimStats = { tokenExchanges: 0, chats: 0, submits: 0, cancels: 0, sessionNames: [], requests: [] }
  pace: Pace | undefined = undefined
  /** Counters used to vary the wire form where the reference leaves it open. */
  streamCount = 0
  authFailures = 0
  /** Set when the server closes: chats still playing finish at once. */
  closed = false

  constructor(
    readonly workspaceId: string,
    readonly pat: string,
    readonly tokenTtlSeconds: number | undefined
  ) {}
}
