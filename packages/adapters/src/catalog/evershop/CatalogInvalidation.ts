import { Context, Effect, Layer, Option, type Redacted } from "effect"

/** What a shop says changed: the event name and the products' skus or ids, when known. */
export interface ChangeNotice {
  readonly event: string
  readonly skus: ReadonlyArray<string>
  readonly productIds: ReadonlyArray<string>
}

/**
 * Clears cached catalog answers when a shop reports product changes (`POST /api/catalog/invalidate`
 * on the server, guarded by the shared secret). Without a secret the route stays closed.
 */
export class CatalogInvalidation extends Context.Tag("@chatbot-node/adapters/CatalogInvalidation")<
  CatalogInvalidation,
  {
    readonly secret: Option.Option<Redacted.Redacted>
    /** Drops the cached answers; returns how many entries were dropped. */
    readonly invalidate: (notice: ChangeNotice) => Effect.Effect<number>
  }
>() {}

/** No cache to clear and no secret: the route answers 404 (the demo catalog). */
export const disabled: Layer.Layer<CatalogInvalidation> = Layer.succeed(CatalogInvalidation, {
  secret: Option.none(),
  invalidate: () => Effect.succeed(0)
})
