import cors from "@koa/cors"
import type { IncomingMessage, ServerResponse } from "node:http"
import type Koa from "koa"
import helmet from "helmet"
import type { KnownOrigins } from "./KnownOrigins.js"

/** The stand-in response helmet is run on carries the shops' origins for the frame-ancestors directive. */
type WithAncestors = ServerResponse & { frameAncestors?: string }

/**
 * CORS for the widget, which a shop's page loads and which then calls the API cross-origin: an
 * origin some shop allows (any in development) gets the CORS headers; the shop named in the
 * request is checked again once it is known (`VisitorIdentity`). No cookies: no credentials.
 * A request without `Origin` (not a browser's cross-origin call) gets none.
 */
export const corsMiddleware = (origins: KnownOrigins): Koa.Middleware =>
  cors({
    origin: async (ctx) => {
      const origin = ctx.get("origin")
      return origin !== "" && origins.allowsAny(origin, await origins.current()) ? origin : ""
    },
    allowMethods: ["GET", "HEAD", "POST", "OPTIONS"],
    allowHeaders: ["Content-Type", "Authorization", "Last-Event-ID", "Accept-Language"],
    exposeHeaders: ["Retry-After"],
    maxAge: 600,
    credentials: false,
    secureContext: false
  })

/** The headers helmet sets for these options, recorded once from a stand-in response (helmet sets the same headers on every response). */
const recordHelmet = (middleware: ReturnType<typeof helmet>, frameAncestors: string): ReadonlyArray<readonly [string, string]> => {
  const headers = new Map<string, string>()
  const res = {
    frameAncestors,
    setHeader: (name: string, value: string | number | ReadonlyArray<string>) => {
      headers.set(name, Array.isArray(value) ? value.join(", ") : String(value))
    },
    removeHeader: (name: string) => {
      headers.delete(name)
    }
  }
  let done = false
  let failed: unknown
  middleware({} as IncomingMessage, res as unknown as ServerResponse, (error?: unknown) => {
    done = true
    failed = error
  })
  if (!done) throw new Error("helmet did not set its headers synchronously")
  if (failed !== undefined) throw failed
  return [...headers]
}

/**
 * Security headers (helmet): a CSP for the pages this server serves, framable only by the shops'
 * origins; resources (the widget script, product images) loadable cross-origin; HSTS in production.
 * Helmet's headers are computed once per set of shop origins and then set as they are: helmet
 * rebuilding and validating the CSP on every request was a tenth of the cost of a `/health`.
 */
export const headersMiddleware = (origins: KnownOrigins, options: { readonly production: boolean }): Koa.Middleware => {
  const secure = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "https:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'", (_req: IncomingMessage, res: ServerResponse) => (res as WithAncestors).frameAncestors ?? ""]
      }
    },
    crossOriginResourcePolicy: { policy: "cross-origin" },
    crossOriginEmbedderPolicy: false,
    // frame-ancestors above says who may frame the pages; X-Frame-Options could only say "nobody else".
    xFrameOptions: false,
    strictTransportSecurity: options.production ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    referrerPolicy: { policy: "strict-origin-when-cross-origin" }
  })
  let headers: { readonly known: ReadonlyArray<string>; readonly list: ReadonlyArray<readonly [string, string]> } | undefined
  const headersFor = (known: ReadonlyArray<string>) => {
    if (headers?.known !== known) headers = { known, list: recordHelmet(secure, known.join(" ")) }
    return headers.list
  }
  return async (ctx, next) => {
    const known = origins.current()
    const res = ctx.res
    for (const [name, value] of headersFor("then" in known ? await known : known)) res.setHeader(name, value)
    return next()
  }
}
