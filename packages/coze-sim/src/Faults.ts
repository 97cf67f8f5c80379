/**
 * A fault the simulator injects into the next `count` (default 1) matching requests.
 * Without `path`, a fault matches the chat requests (`POST /v3/chat`, `POST /v3/chat/submit_tool_outputs`);
 * with `path`, it matches any request to exactly that path. The stream faults (`slowTokens`,
 * `jsonErrorOnStream`, `malformedSse`, `dropMidStream`, `errorEvent`) only match requests that ask for `stream: true`.
 * `expireTokens` acts at once: every token issued so far is expired.
 */
export type Fault =
  | { readonly kind: "delayFirstByte"; readonly ms: number; readonly path?: string; readonly count?: number }
  | { readonly kind: "slowTokens"; readonly msPerToken: number; readonly path?: string; readonly count?: number }
  | { readonly kind: "http"; readonly status: 500 | 502 | 503; readonly path?: string; readonly count?: number }
  | { readonly kind: "jsonErrorOnStream"; readonly code: number; readonly msg: string; readonly path?: string; readonly count?: number }
  | { readonly kind: "malformedSse"; readonly path?: string; readonly count?: number }
  | { readonly kind: "dropMidStream"; readonly afterEvents: number; readonly path?: string; readonly count?: number }
  | { readonly kind: "busy"; readonly path?: string; readonly count?: number }
  | { readonly kind: "throttled"; readonly retryAfterSeconds?: number; readonly path?: string; readonly count?: number }
  | { readonly kind: "expireTokens"; readonly count?: number }
  /** The chat ends with `conversation.chat.failed` (or status failed when polled) after `afterDeltas` deltas (default 0). */
  | { readonly kind: "chatFailed"; readonly code?: number; readonly msg?: string; readonly afterDeltas?: number; readonly path?: string; readonly count?: number }
  /** The stream ends with an `error` event `{code, msg}` after `afterDeltas` deltas (default 0). */
  | { readonly kind: "errorEvent"; readonly code: number; readonly msg: string; readonly afterDeltas?: number; readonly path?: string; readonly count?: number }

/** The kinds of fault that only apply to streamed responses. */
const streamOnly: ReadonlySet<Fault["kind"]> = new Set(["slowTokens", "jsonErrorOnStream", "malformedSse", "dropMidStream", "errorEvent"])

const chatPaths: ReadonlySet<string> = new Set(["/v3/chat", "/v3/chat/submit_tool_outputs"])

interface Pending {
  readonly fault: Fault
  remaining: number
}

/** The faults waiting for requests; each request takes (and counts down) every fault that matches it. */
export class FaultQueue {
  private pending: Array<Pending> = []

  add(fault: Fault): void {
    this.pending.push({ fault, remaining: Math.max(1, fault.count ?? 1) })
  }

  clear(): void {
    this.pending = []
  }

  /**
   * Takes the faults of the given kinds that match a request, counting each down. Faults that act
   * before the body is read are taken with `streamed` unknown (`undefined`), which skips stream faults.
   */
  take(path: string, streamed: boolean | undefined, kinds: ReadonlyArray<Fault["kind"]>): Array<Fault> {
    const taken: Array<Fault> = []
    for (const entry of this.pending) {
      const f = entry.fault
      if (!kinds.includes(f.kind) || f.kind === "expireTokens") continue
      const pathOk = f.path !== undefined ? f.path === path : chatPaths.has(path)
      if (!pathOk || (streamOnly.has(f.kind) && streamed !== true)) continue
      taken.push(f)
      entry.remaining -= 1
    }
    this.pending = this.pending.filter((e) => e.remaining > 0)
    return taken
  }
}
