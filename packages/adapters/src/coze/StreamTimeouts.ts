import { type Duration, Effect, Option, Stream } from "effect"

/**
 * Fails a stream that gives no element within `first` of its start, or within `idle` of the
 * previous element (the two gaps Coze needs told apart: a slow first token, a silent stall).
 */
export const withTimeouts = <A, E, R, E2>(
  self: Stream.Stream<A, E, R>,
  options: {
    readonly first: Duration.DurationInput
    readonly idle: Duration.DurationInput
    readonly onTimeout: (first: boolean) => E2
  }
): Stream.Stream<A, E | E2, R> =>
  Stream.unwrapScoped(
    Effect.map(Stream.toPull(self), (pull) => {
      let first = true
      return Stream.repeatEffectChunkOption(
        Effect.suspend(() => {
          const isFirst = first
          return pull.pipe(
            Effect.timeoutFail({
              duration: isFirst ? options.first : options.idle,
              onTimeout: () => Option.some<E | E2>(options.onTimeout(isFirst))
            }),
            Effect.tap((chunk) => Effect.sync(() => (first &&= chunk.length === 0)))
          )
        })
      )
    })
  )
