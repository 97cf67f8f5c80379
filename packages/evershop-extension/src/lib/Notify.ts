import { warning } from "@evershop/evershop/lib/log"
import { noticeFor, requestFor } from "./ChangeNotice.js"
import { settings } from "./Host.js"

/** Tells the Chatbot-Node server that products changed (so its cached catalog answers are dropped); never throws. */
export const notify = async (event: string, payload: unknown): Promise<void> => {
  const s = settings()
  if (s.serverUrl === undefined || s.secret === undefined) return
  const { url, init } = requestFor(s.serverUrl, s.secret, noticeFor(event, payload))
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) })
    if (!response.ok) warning(`[chatbot] ${url} answered ${response.status} to a ${event} notice`)
  } catch (e) {
    warning(`[chatbot] could not tell ${url} about ${event}: ${e instanceof Error ? (e.cause as Error | undefined)?.message ?? e.message : String(e)}`)
  }
}
