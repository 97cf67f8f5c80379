import { Context, Exit, Runtime } from "effect"
import { allowsSome, OriginPolicy } from "./OriginPolicy.js"

/**
 * The origins the stored shops allow, as the HTTP middlewares read them on every request (CORS, the
 * CSP's `frame-ancestors`): loaded once, the first request waiting for it, then refreshed in the
 * background at most every `refreshMs`, so that no request runs an Effect for them. A refresh that
 * fails keeps the last list (none before a load succeeds), and so does one that finds the same
 * origins: the list changes (and the CSP is recomputed) only when the origins do.
 */
export interface KnownOrigins {
  /** The origins now; only before the first load a promise of them. */
  readonly current: () => ReadonlyArray<string> | Promise<ReadonlyArray<string>>
  /** Whether a page at `origin` may call the API for some shop (this server's own origin always may), given `current()`. */
  readonly allowsAny: (origin: string, known: ReadonlyArray<string>) => boolean
}

export const make = (runtime: Runtime.Runtime<OriginPolicy>, refreshMs = 10_000): KnownOrigins => {
  const policy = Context.get(runtime.context, OriginPolicy)
  let loaded: { readonly list: ReadonlyArray<string>; readonly at: number } | undefined
  let pending: Promise<ReadonlyArray<string>> | undefined
  const refresh = () =>
    (pending ??= Runtime.runPromiseExit(runtime)(policy.knownOrigins).then((exit) => {
      const last = loaded?.list ?? []
      const found = Exit.isSuccess(exit) ? exit.value : last
      const same = found.length === last.length && found.every((origin, i) => origin === last[i])
      loaded = { list: same ? last : found, at: Date.now() }
      pending = undefined
      return loaded.list
    }))
  return {
    current: () => {
      if (loaded === undefined) return refresh()
      if (pending === undefined && Date.now() - loaded.at >= refreshMs) void refresh()
      return loaded.list
    },
    allowsAny: (origin, known) => allowsSome(policy.options, known, origin)
  }
}
