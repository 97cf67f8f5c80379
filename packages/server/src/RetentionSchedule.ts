import { Retention } from "@chatbot-node/domain"
import { Effect, Layer, Schedule } from "effect"

/**
 * Applies every shop's retention setting once an hour (and once at start), deleting conversations
 * idle for longer than the shop keeps them. Failures are logged and retried at the next pass.
 */
export const layer = Layer.scopedDiscard(
  Retention.apply.pipe(
    Effect.tap((results) =>
      Effect.forEach(results.filter((r) => r.deleted.conversations > 0), (r) =>
        Effect.logInfo("retention applied").pipe(
          Effect.annotateLogs({ shopId: r.shopId, cutoff: r.cutoff.toISOString(), conversations: r.deleted.conversations, messages: r.deleted.messages })
        ))
    ),
    Effect.catchAll((error) => Effect.logWarning("retention pass failed", error)),
    Effect.repeat(Schedule.spaced("1 hour")),
    Effect.forkScoped
  )
)
