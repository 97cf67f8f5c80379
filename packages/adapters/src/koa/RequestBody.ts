import { I18n, type Locale } from "@chatbot-node/domain"
import { Effect } from "effect"
import type { IncomingMessage } from "node:http"
import { ApiError } from "./ApiError.js"

/** The default largest request body, in bytes: room for a 4000-character message in any script. */
export const defaultLimitBytes = 64 * 1024

const badRequest = (locale: Locale.Locale) => new ApiError({ status: 400, code: "bad_request", message: I18n.t(locale, "badRequest") })

const mediaType = (header: string | undefined) => (header ?? "").split(";")[0]!.trim().toLowerCase()

const readRaw = (req: IncomingMessage, limit: number, locale: Locale.Locale) =>
  Effect.async<string, ApiError>((resume) => {
    const declared = Number(req.headers["content-length"])
    if (Number.isFinite(declared) && declared > limit) {
      resume(Effect.fail(new ApiError({ status: 413, code: "payload_too_large", message: I18n.t(locale, "badRequest") })))
      req.resume()
      return
    }
    const chunks: Array<Buffer> = []
    let size = 0
    let done = false
    const finish = (effect: Effect.Effect<string, ApiError>) => {
      if (done) return
      done = true
      req.off("data", onData).off("end", onEnd).off("error", onError)
      resume(effect)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.resume()
        finish(Effect.fail(new ApiError({ status: 413, code: "payload_too_large", message: I18n.t(locale, "badRequest") })))
      } else chunks.push(chunk)
    }
    const onEnd = () => {
      const buffer = Buffer.concat(chunks)
      const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false })
      try {
        finish(Effect.succeed(text.decode(buffer)))
      } catch {
        finish(Effect.fail(badRequest(locale)))
      }
    }
    const onError = () => finish(Effect.fail(badRequest(locale)))
    req.on("data", onData).on("end", onEnd).on("error", onError)
  })

/**
 * Reads a request body as JSON, up to `limit` bytes: `application/json`, or curl's default
 * `application/x-www-form-urlencoded` carrying a JSON document (as the seed's examples send) or
 * plain form fields. Any other media type is refused with 415, invalid JSON with 400.
 */
export const readJson = (req: IncomingMessage, options: { readonly limit: number; readonly locale: Locale.Locale }) =>
  Effect.gen(function*() {
    const type = mediaType(req.headers["content-type"])
    const isJson = type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type)
    const isForm = type === "application/x-www-form-urlencoded"
    if (!isJson && !isForm) {
      req.resume()
      return yield* new ApiError({ status: 415, code: "unsupported_media_type", message: I18n.t(options.locale, "badRequest") })
    }
    const raw = yield* readRaw(req, options.limit, options.locale)
    const text = raw.trim()
    if (text === "") return yield* badRequest(options.locale)
    if (isJson || text.startsWith("{") || text.startsWith("[")) {
      return yield* Effect.try({ try: () => JSON.parse(text) as unknown, catch: () => badRequest(options.locale) })
    }
    return Object.fromEntries(new URLSearchParams(text)) as unknown
  })
