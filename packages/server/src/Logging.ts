import { Config, Effect, Layer, Logger, LogLevel } from "effect"

/**
 * How the server logs, through Effect's Logger: JSON lines in production (one object per line, for
 * Fly's and any collector's parsers), logfmt elsewhere; LOG_FORMAT and LOG_LEVEL override.
 */
export const layer = Layer.unwrapEffect(
  Effect.gen(function*() {
    const production = (yield* Config.string("NODE_ENV").pipe(Config.withDefault("development"))) === "production"
    const format = yield* Config.literal("json", "logfmt", "pretty")("LOG_FORMAT").pipe(
      Config.withDefault(production ? ("json" as const) : ("logfmt" as const))
    )
    const level = yield* Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info))
    const logger = format === "json" ? Logger.json : format === "pretty" ? Logger.pretty : Logger.logFmt
    return Layer.merge(logger, Logger.minimumLogLevel(level))
  })
)
