import { Errors, Ids } from "@chatbot-node/domain"
import type { Conversation } from "@chatbot-node/domain"
import { Effect, Schema } from "effect"

/** The keyset of a conversation search page: (updatedAt in ms, id) of its last conversation. */
const SearchCursor = Schema.compose(
  Schema.StringFromBase64Url,
  Schema.parseJson(Schema.Tuple(Schema.Int, Ids.ConversationId))
)

/** Reads a cursor this server issued; anything else is an InvalidCursor. */
export const decodeSearchCursor = (
  cursor: string | undefined
): Effect.Effect<{ readonly updatedAt: Date; readonly id: Ids.ConversationId } | undefined, Errors.InvalidCursor> =>
  cursor === undefined
    ? Effect.succeed(undefined)
    : Schema.decodeUnknown(SearchCursor)(cursor).pipe(
        Effect.map(([ms, id]) => ({ updatedAt: new Date(ms), id })),
        Effect.mapError(() => new Errors.InvalidCursor({ cursor }))
      )

/** The cursor of the page that follows `last`. */
export const encodeSearchCursor = (last: Conversation.Conversation): string =>
  Schema.encodeSync(SearchCursor)([last.updatedAt.getTime(), last.id])

/** A LIKE pattern matching `phrase` anywhere, with `\`, `%` and `_` taken literally. */
export const containsPattern = (phrase: string): string => `%${phrase.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
