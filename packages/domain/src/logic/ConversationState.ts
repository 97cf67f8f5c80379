import { Either } from "effect"
import type { ConversationStatus } from "../model/Conversation.js"
import { InvalidTransition } from "../model/Errors.js"

/**
 * The moves a conversation may make, by status: the bot hands over to an agent (through the
 * waiting queue or directly), a waiting visitor or an agent gives it back to the bot, any open
 * conversation closes, and a closed one reopens with the bot when the visitor writes again.
 */
export const allowedTransitions: { readonly [From in ConversationStatus]: ReadonlyArray<ConversationStatus> } = {
  bot: ["waiting-for-agent", "agent", "closed"],
  "waiting-for-agent": ["agent", "bot", "closed"],
  agent: ["bot", "closed"],
  closed: ["bot"]
}

/** Whether a conversation may move from `from` to `to`; staying on the same status is not a move. */
export const canTransition = (from: ConversationStatus, to: ConversationStatus): boolean =>
  allowedTransitions[from].includes(to)

/** The status after moving from `from` to `to`, or an `InvalidTransition` when that move is not allowed. */
export const transition = (
  from: ConversationStatus,
  to: ConversationStatus
): Either.Either<ConversationStatus, InvalidTransition> =>
  canTransition(from, to) ? Either.right(to) : Either.left(new InvalidTransition({ from, to }))

/** Whether the bot answers a visitor's message in this status (a closed conversation reopens with the bot). */
export const botAnswers = (status: ConversationStatus): boolean => status === "bot" || status === "closed"
