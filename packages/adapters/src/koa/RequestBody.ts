import { I18n, type Locale } from "@chatbot-node/domain"
import { Effect } from "effect"
import type { IncomingMessage } from "node:http"
import { ApiError } from "./ApiError.js"

/** The default largest request body, in bytes: room for a 4000-character message in any script. */
export const defaultLimitBytes = 64 * 1024

const badRequest = (locale: Locale.Locale) => new ApiError({ status: 400, code: "bad_request", message: I18n.t(locale, "badRequest") })

const mediaType = (header: string | undefined) => (header ?? "").split(";")[0]!.trim().toLowerCase()

const decodeUtf8 = (buffer: Buffer, locale: Locale.Locale): Effect.Effect<string, ApiError> => {
  try {
    return Effect.succeed(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(buffer))
  } catch {
    return Effect.fail(badRequest(locale))
  }
}

/**
 * The body when every byte its `Content-Length` declares is already buffered: a small JSON body
 * usually is by the time the route runs, though its end is only signalled a turn of the event loop
 * later (about a quarter of a millisecond before the bot could be asked).
 */
const bufferedBody = (req: IncomingMessage, declared: number): Buffer | undefined => {
  if (!Number.isInteger(declared) || declared <= 0 || req.readableFlowing === true || req.readableLength !== declared) return undefined
  const buffer = req.read() as Buffer | null
  if (buffer === null) return undefined
  if (buffer.length !== declared) {
    req.unshift(buffer)
    return undefined
  }
  // Nothing is left to read; flowing, the request ends (`end`, `close`) as a read one does.
  req.resume()
  return buffer
}

const readRaw = (req: IncomingMessage, limit: number, locale: Locale.Locale) =>
  Effect.suspend(() => {
    const declared = Number(req.headers["content-length"])
    if (Number.isFinite(declared) && declared > limit) {
      req.resume()
      return Effect.fail(new ApiError({ status: 413, code: "payload_too_large", message: I18n.t(locale, "badRequest") }))
    }
    const buffered = bufferedBody(req, declared)
    return buffered === undefined ? readStreamed(req, limit, locale) : decodeUtf8(buffered, locale)
  })

const readStreamed = (req: IncomingMessage, limit: number, locale: Locale.Locale) =>
  Effect.async<string, ApiError>((resume) => {
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
    const onEnd = () => finish(decodeUtf8(Buffer.concat(chunks), locale))
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
