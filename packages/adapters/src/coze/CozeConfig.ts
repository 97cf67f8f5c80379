import { readFile } from "node:fs/promises"
import { Config, ConfigError, Duration, Effect, Option, Redacted } from "effect"

/** How the adapter authenticates: a personal or service token, or the OAuth JWT service app. */
export type CozeCredentials =
  | { readonly _tag: "Token"; readonly token: Redacted.Redacted<string> }
  | {
    readonly _tag: "Jwt"
    readonly clientId: string
    /** The public-key fingerprint, sent as the JWT `kid`. */
    readonly keyId: string
    /** The PEM private key (PKCS#8 `BEGIN PRIVATE KEY` or PKCS#1 `BEGIN RSA PRIVATE KEY`). */
    readonly privateKey: Redacted.Redacted<string>
    /** Lifetime asked for each access token (Coze: default 900, max 86399). */
    readonly durationSeconds?: number | undefined
  }

/** Everything the Coze adapter needs; only `credentials` is required. */
export interface CozeOptions {
  /** The Coze API or the proxy in front of it; default `https://api.coze.cn`. */
  readonly baseUrl?: string | undefined
  /** The JWT `aud`: the Coze host even behind a proxy; default `api.coze.cn`. */
  readonly audience?: string | undefined
  readonly credentials: CozeCredentials
  /** Sent as `X-Proxy-Secret` so the proxy is not an open one. */
  readonly proxySecret?: Redacted.Redacted<string> | undefined
  /** The workspace whose bots are listed and where bots are created. */
  readonly workspaceId?: string | undefined
  /** Streamed SSE chat (default) or the JSON create / retrieve / message-list path. */
  readonly mode?: "stream" | "poll" | undefined
  readonly firstEventTimeout?: Duration.DurationInput | undefined
  readonly idleTimeout?: Duration.DurationInput | undefined
  readonly requestTimeout?: Duration.DurationInput | undefined
  /** First interval between retrieve polls (grows by half each poll, up to 5 s). */
  readonly pollInterval?: Duration.DurationInput | undefined
  /** Longest a polled chat may take to reach a final status; default 5 minutes. */
  readonly pollTimeout?: Duration.DurationInput | undefined
  /** Longest Retry-After the adapter waits out itself; longer ones fail as `throttled`. */
  readonly maxRetryAfter?: Duration.DurationInput | undefined
  /** First backoff delay of a retry (doubles per retry). */
  readonly retryBaseDelay?: Duration.DurationInput | undefined
  /**
   * How long the connection to Coze may go unused before a visitor who starts typing (`prepare`)
   * has it opened again with a `GET /health`; default 3 s, under undici's 4 s keep-alive.
   * `Duration.infinity` turns the warm-up off.
   */
  readonly warmAfter?: Duration.DurationInput | undefined
}

/** Options with every default filled in. */
export interface ResolvedCozeOptions {
  readonly baseUrl: string
  readonly audience: string
  readonly credentials: CozeCredentials
  readonly proxySecret: Option.Option<Redacted.Redacted<string>>
  readonly workspaceId: Option.Option<string>
  readonly mode: "stream" | "poll"
  readonly firstEventTimeout: Duration.Duration
  readonly idleTimeout: Duration.Duration
  readonly requestTimeout: Duration.Duration
  readonly pollInterval: Duration.Duration
  readonly pollTimeout: Duration.Duration
  readonly maxRetryAfter: Duration.Duration
  readonly retryBaseDelay: Duration.Duration
  readonly warmAfter: Duration.Duration
}

/** Fills in the defaults. */
export const resolve = (options: CozeOptions): ResolvedCozeOptions => ({
  baseUrl: (options.baseUrl ?? "https://api.coze.cn").replace(/\/+$/, ""),
  audience: options.audience ?? "api.coze.cn",
  credentials: options.credentials,
  proxySecret: Option.fromNullable(options.proxySecret),
  workspaceId: Option.fromNullable(options.workspaceId),
  mode: options.mode ?? "stream",
  firstEventTimeout: Duration.decode(options.firstEventTimeout ?? "30 seconds"),
  idleTimeout: Duration.decode(options.idleTimeout ?? "60 seconds"),
  requestTimeout: Duration.decode(options.requestTimeout ?? "30 seconds"),
  pollInterval: Duration.decode(options.pollInterval ?? "1 second"),
  pollTimeout: Duration.decode(options.pollTimeout ?? "5 minutes"),
  maxRetryAfter: Duration.decode(options.maxRetryAfter ?? "20 seconds"),
  retryBaseDelay: Duration.decode(options.retryBaseDelay ?? "500 millis"),
  warmAfter: Duration.decode(options.warmAfter ?? "3 seconds")
})

const optional = <A>(config: Config.Config<A>) => Config.option(config)

/** A PEM from an env var, where line breaks are often written as `\n`. */
const pem = (text: string) => text.replace(/\\n/g, "\n").trim() + "\n"

const readKey = (path: string) =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (e) => ConfigError.InvalidData(["COZE_PRIVATE_KEY_PATH"], `cannot read ${path}: ${String(e)}`)
  })

const env = Config.all({
  baseUrl: optional(Config.string("COZE_BASE_URL")),
  audience: optional(Config.string("COZE_AUDIENCE")),
  token: optional(Config.redacted("COZE_API_TOKEN")),
  clientId: optional(Config.string("COZE_CLIENT_ID")),
  keyId: optional(Config.string("COZE_PUBLIC_KEY")),
  privateKey: optional(Config.redacted("COZE_PRIVATE_KEY")),
  privateKeyPath: optional(Config.string("COZE_PRIVATE_KEY_PATH")),
  tokenDurationSeconds: optional(Config.integer("COZE_TOKEN_DURATION_SECONDS")),
  proxySecret: optional(Config.redacted("COZE_PROXY_SECRET")),
  workspaceId: optional(Config.string("COZE_WORKSPACE_ID")),
  mode: optional(Config.literal("stream", "poll")("COZE_MODE")),
  firstEventTimeout: optional(Config.duration("COZE_FIRST_EVENT_TIMEOUT")),
  idleTimeout: optional(Config.duration("COZE_IDLE_TIMEOUT")),
  requestTimeout: optional(Config.duration("COZE_REQUEST_TIMEOUT")),
  pollInterval: optional(Config.duration("COZE_POLL_INTERVAL")),
  warmAfter: optional(Config.duration("COZE_WARM_AFTER"))
})

/**
 * Reads the adapter's options from the environment (`COZE_*`): `COZE_API_TOKEN`, or
 * `COZE_CLIENT_ID` + `COZE_PUBLIC_KEY` (the kid) + `COZE_PRIVATE_KEY` or `COZE_PRIVATE_KEY_PATH`.
 */
export const fromEnv: Effect.Effect<CozeOptions, ConfigError.ConfigError> = Effect.gen(function*() {
  const e = yield* env
  const credentials: CozeCredentials | undefined = Option.isSome(e.token)
    ? { _tag: "Token", token: e.token.value }
    : Option.isSome(e.clientId) && Option.isSome(e.keyId)
    ? {
      _tag: "Jwt",
      clientId: e.clientId.value,
      keyId: e.keyId.value,
      privateKey: Option.isSome(e.privateKey)
        ? Redacted.make(pem(Redacted.value(e.privateKey.value)))
        : Option.isSome(e.privateKeyPath)
        ? Redacted.make(pem(yield* readKey(e.privateKeyPath.value)))
        : yield* Effect.fail(
          ConfigError.MissingData(["COZE_PRIVATE_KEY"], "COZE_PRIVATE_KEY or COZE_PRIVATE_KEY_PATH is required")
        ),
      durationSeconds: Option.getOrUndefined(e.tokenDurationSeconds)
    }
    : undefined
  if (credentials === undefined) {
    return yield* Effect.fail(
      ConfigError.MissingData(
        ["COZE_API_TOKEN"],
        "set COZE_API_TOKEN, or COZE_CLIENT_ID + COZE_PUBLIC_KEY + COZE_PRIVATE_KEY(_PATH)"
      )
    )
  }
  return {
    credentials,
    baseUrl: Option.getOrUndefined(e.baseUrl),
    audience: Option.getOrUndefined(e.audience),
    proxySecret: Option.getOrUndefined(e.proxySecret),
    workspaceId: Option.getOrUndefined(e.workspaceId),
    mode: Option.getOrUndefined(e.mode),
    firstEventTimeout: Option.getOrUndefined(e.firstEventTimeout),
    idleTimeout: Option.getOrUndefined(e.idleTimeout),
    requestTimeout: Option.getOrUndefined(e.requestTimeout),
    pollInterval: Option.getOrUndefined(e.pollInterval),
    warmAfter: Option.getOrUndefined(e.warmAfter)
  }
})
