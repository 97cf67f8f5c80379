import { Effect, Layer } from "effect"
import * as ServerConfigModule from "./Config.js"
import { DatabaseLive } from "./Layers.js"

/** Applies the database migrations and exits (Fly's `release_command`, before the new version starts). */
Effect.runPromise(Effect.scoped(Layer.build(DatabaseLive.pipe(Layer.provide(ServerConfigModule.layer))))).then(
  () => {
    console.log("migrations applied")
    process.exit(0)
  },
  (error: unknown) => {
    console.error(`migrate: ${String(error)}`)
    process.exit(1)
  }
)
