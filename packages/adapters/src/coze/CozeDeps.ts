import type { BotTurn } from "@chatbot-node/domain"
import type { CozeAuth } from "./CozeAuth.js"
import type { ResolvedCozeOptions } from "./CozeConfig.js"
import type { CozeHttp } from "./CozeHttp.js"
import type { ConversationLocks } from "./ConversationLocks.js"

/** What the chat, poll and bot modules share: options, the HTTP surface, auth and the per-conversation locks. */
export interface CozeDeps {
  readonly options: ResolvedCozeOptions
  readonly http: CozeHttp
  readonly auth: CozeAuth
  readonly locks: ConversationLocks
}

/** Coze prompt variables may hold only letters and `_` in their names. */
const variableName = (key: string) => key.replace(/[^A-Za-z_]/g, "_")

/** The `/v3/chat` body for a visitor's turn (streamed or not). */
export const chatBody = (turn: BotTurn, stream: boolean) => {
  const customVariables: Record<string, string> = {}
  for (const [key, value] of Object.entries(turn.context)) customVariables[variableName(key)] = value
  customVariables["locale"] = turn.locale
  return {
    bot_id: turn.botId,
    user_id: turn.visitorId,
    stream,
    auto_save_history: true,
    additional_messages: [{ role: "user", type: "question", content: turn.text, content_type: "text" }],
    custom_variables: customVariables
  }
}
