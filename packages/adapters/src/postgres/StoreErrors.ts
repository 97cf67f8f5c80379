import { Errors } from "@chatbot-node/domain"
import { SqlError } from "@effect/sql/SqlError"
import { Cause, Effect, ParseResult } from "effect"

type Foreign = SqlError | ParseResult.ParseError | Cause.NoSuchElementException

const describe = (error: Foreign): string => {
  if (ParseResult.isParseError(error)) return `unreadable row: ${error.message}`
  if (Cause.isNoSuchElementException(error)) return "the statement returned no row"
  const cause = error.cause
  return cause instanceof Error && cause.message !== "" ? cause.message : (error.message ?? "database error")
}

/** Maps the SQL client's, the row decoder's and a missing single row's errors into the domain's StoreError, naming the operation. */
export const mapStoreError =
  (operation: string) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E, Foreign> | Errors.StoreError, R> =>
    Effect.catchIf(
      self,
      (e): e is Extract<E, Foreign> =>
        e instanceof SqlError || ParseResult.isParseError(e) || Cause.isNoSuchElementException(e),
      (e) => Effect.fail(new Errors.StoreError({ operation, message: describe(e) }))
    ) as Effect.Effect<A, Exclude<E, Foreign> | Errors.StoreError, R>

/** Whether a SqlError is PostgreSQL's unique violation of `constraint`. */
export const isUniqueViolation = (error: unknown, constraint: string): boolean => {
  if (!(error instanceof SqlError)) return false
  const cause = error.cause as { readonly code?: unknown; readonly constraint?: unknown } | undefined
  return cause?.code === "23505" && cause.constraint === constraint
}
