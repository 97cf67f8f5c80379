import type { Fault } from "./Faults.js"
import type { SseSink } from "./SseSink.js"
import type { Pace } from "./SimState.js"

/** One event of a scripted chat: `run` applies its effect on the simulator state and returns the payload. */
export interface Step {
  readonly event: string
  /** An answer delta: paced by the token timing. */
  readonly delta?: boolean
  readonly run: () => unknown
}

/** How fast a chat plays. */
export interface Timing {
  readonly firstTokenMs: number
  readonly tokenMs: number
  /** Extra wait before the first step played (non-streamed chats complete "a short time" later). */
  readonly startMs: number
}

/** The timing from the simulator's pace and a request's `slowTokens` fault. */
export const timingOf = (pace: Pace | undefined, faults: ReadonlyArray<Fault>, startMs: number): Timing => {
  const slow = faults.find((f) => f.kind === "slowTokens")
  const tokenMs = slow?.kind === "slowTokens" ? slow.msPerToken : pace !== undefined ? 1000 / pace.tokensPerSecond : 0
  const firstTokenMs = pace?.firstTokenMs ?? (slow?.kind === "slowTokens" ? slow.msPerToken : 0)
  return { firstTokenMs, tokenMs, startMs }
}

const sleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms).unref())

/**
 * Plays the steps in order, pacing the deltas, writing each event to the sink while a client reads it.
 * If the client goes away (or a `dropMidStream` fault cuts it), the chat still runs to its end at once,
 * as Coze keeps generating after a disconnect. `malformedSse` writes a broken event before the first delta.
 */
export const play = async (
  steps: ReadonlyArray<Step>,
  sink: SseSink | undefined,
  timing: Timing,
  faults: ReadonlyArray<Fault>,
  isClosed: () => boolean
): Promise<void> => {
  const drop = faults.find((f) => f.kind === "dropMidStream")
  const malformed = faults.some((f) => f.kind === "malformedSse")
  let deltas = 0
  if (timing.startMs > 0) await sleep(timing.startMs)
  if (drop?.kind === "dropMidStream" && drop.afterEvents <= 0) sink?.drop()
  for (const step of steps) {
    const listening = sink === undefined || sink.alive
    if (step.delta === true && listening && !isClosed()) {
      await sleep(deltas === 0 ? timing.firstTokenMs : timing.tokenMs)
    }
    if (step.delta === true && deltas === 0 && malformed && sink !== undefined) {
      sink.raw("event:conversation.message.delta\ndata:{\"id\":\"7\",\"content\":\"broken\n\n")
      sink.raw("this line has no field separator\n\n")
    }
    if (step.delta === true) deltas += 1
    const payload = step.run()
    sink?.event(step.event, payload)
    if (drop?.kind === "dropMidStream" && sink !== undefined && sink.alive && sink.eventsWritten >= drop.afterEvents) {
      sink.drop()
    }
  }
  sink?.end()
}
