import { Data, Option } from "effect"
import type { FunctionCall } from "./FunctionCall.js"

/** Token counts a bot platform reports for a finished turn. */
export interface Usage {
  readonly inputTokens: number
  readonly outputTokens: number
}

/** A tool call the platform waits on (Coze `requires_action`): answer it with `submitToolOutputs`. */
export interface PendingToolCall {
  readonly id: string
  readonly name: string
  readonly arguments: Record<string, unknown>
}

/**
 * What a bot platform tells the domain during one turn, in order. Adapters translate their wire
 * format into these; the domain decides what the visitor sees.
 */
export type BotEvent = Data.TaggedEnum<{
  /** The platform's ids for this turn. */
  TurnStarted: { readonly upstreamConversationId: string; readonly chatId: string }
  /** A fragment of answer text; fragments of one `messageId` concatenate. */
  TextDelta: { readonly messageId: string; readonly text: string }
  /** An answer message is whole (its full text, which may repeat the deltas). */
  AnswerCompleted: { readonly messageId: string; readonly text: string }
  /** The platform reports a function call it made or wants (a Coze `function_call` message). */
  FunctionCalled: { readonly call: FunctionCall }
  /** A tool's result as the platform reports it. */
  ToolResponded: { readonly text: string }
  /** The platform waits for our tool outputs before it goes on. */
  ToolCallsRequired: {
    readonly upstreamConversationId: string
    readonly chatId: string
    readonly calls: ReadonlyArray<PendingToolCall>
  }
  /** A suggested follow-up question. */
  FollowUp: { readonly text: string }
  /** The turn finished normally. */
  TurnCompleted: { readonly usage: Option.Option<Usage> }
}>

export const BotEvent = Data.taggedEnum<BotEvent>()
