import { Either, Schema } from "effect"

/** The extension's settings: `chatbot` in EverShop's config, overridden by CHATBOT_* environment variables. */
export const Settings = Schema.Struct({
  /** The Chatbot-Node server's public URL (the widget loads from it; change notices go to it). */
  serverUrl: Schema.optional(Schema.String.pipe(Schema.pattern(/^https?:\/\/[^\s"'<>]+$/))),
  /** The shop's id on the Chatbot-Node server. */
  shopId: Schema.optionalWith(Schema.String.pipe(Schema.pattern(/^[A-Za-z0-9_-]{1,64}$/)), { default: () => "default" }),
  /** The shared secret: change notices carry it, and product look-ups require it when set. */
  secret: Schema.optional(Schema.String.pipe(Schema.minLength(16))),
  /** Product look-ups per minute and client address (when no secret protects the route). */
  lookupsPerMinute: Schema.optionalWith(Schema.Number.pipe(Schema.int(), Schema.between(1, 10_000)), { default: () => 60 }),
  /** The widget's accent colour, e.g. `#0a7`. */
  color: Schema.optional(Schema.String.pipe(Schema.pattern(/^#[0-9a-fA-F]{3,8}$/)))
})
export type Settings = typeof Settings.Type

const env: ReadonlyArray<readonly [string, keyof Settings]> = [
  ["CHATBOT_SERVER_URL", "serverUrl"],
  ["CHATBOT_SHOP_ID", "shopId"],
  ["CHATBOT_SECRET", "secret"],
  ["CHATBOT_LOOKUPS_PER_MINUTE", "lookupsPerMinute"],
  ["CHATBOT_COLOR", "color"]
]

/** Reads the settings from EverShop's `chatbot` config and the environment; bad values are reported and left out. */
export const readSettings = (config: unknown, environment: Record<string, string | undefined>): { readonly settings: Settings; readonly problems: ReadonlyArray<string> } => {
  const merged: Record<string, unknown> = typeof config === "object" && config !== null ? { ...(config as Record<string, unknown>) } : {}
  for (const [name, key] of env) {
    const value = environment[name]
    if (value !== undefined && value.trim() !== "") merged[key] = key === "lookupsPerMinute" ? Number(value) : value.trim()
  }
  if (typeof merged.serverUrl === "string") merged.serverUrl = merged.serverUrl.replace(/\/+$/, "")
  const problems: Array<string> = []
  for (const key of Object.keys(merged)) {
    const field = (Settings.fields as Record<string, Schema.Schema.Any | Schema.PropertySignature.Any | undefined>)[key]
    if (field === undefined) delete merged[key]
  }
  let decoded = Schema.decodeUnknownEither(Settings)(merged)
  while (Either.isLeft(decoded)) {
    const bad = Object.keys(merged).find((key) => Either.isLeft(Schema.decodeUnknownEither(Settings)({ [key]: merged[key] })))
    if (bad === undefined) break
    problems.push(`chatbot.${bad} is invalid and ignored`)
    delete merged[bad]
    decoded = Schema.decodeUnknownEither(Settings)(merged)
  }
  return { settings: Either.getOrElse(decoded, () => Schema.decodeUnknownSync(Settings)({})), problems }
}
