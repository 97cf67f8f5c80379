import cors from "@koa/cors"
import { Effect, Runtime } from "effect"
import type { IncomingMessage, ServerResponse } from "node:http"
import type Koa from "koa"
import helmet from "koa-helmet"
import { OriginPolicy } from "./OriginPolicy.js"

type WithAncestors = ServerResponse & { frameAncestors?: string }

/**
 * CORS for the widget, which a shop's page loads and which then calls the API cross-origin: an
 * origin some shop allows (any in development) gets the CORS headers; the shop named in the
 * request is checked again once it is known (`VisitorIdentity`). No cookies: no credentials.
 */
export const corsMiddleware = (runtime: Runtime.Runtime<OriginPolicy>): Koa.Middleware =>
  cors({
    origin: (ctx) =>
      Runtime.runPromise(runtime)(
        Effect.flatMap(OriginPolicy, (p) => p.allowsAny(ctx.get("origin"))).pipe(
          Effect.map((ok) => (ok ? ctx.get("origin") : "")),
          Effect.orElseSucceed(() => "")
        )
      ),
    allowMethods: ["GET", "HEAD", "POST", "OPTIONS"],
    allowHeaders: ["Content-Type", "Authorization", "Last-Event-ID", "Accept-Language"],
    exposeHeaders: ["Retry-After"],
    maxAge: 600,
    credentials: false,
    secureContext: false
  })

/**
 * Security headers (helmet): a CSP for the pages this server serves, framable only by the shops'
 * origins; resources (the widget script, product images) loadable cross-origin; HSTS in production.
 */
export const headersMiddleware = (runtime: Runtime.Runtime<OriginPolicy>, options: { readonly production: boolean }): Koa.Middleware => {
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
  const ancestors = Effect.flatMap(OriginPolicy, (p) => p.knownOrigins).pipe(
    Effect.map((origins) => origins.join(" ")),
    Effect.orElseSucceed(() => "")
  )
  // The shops' origins change rarely: read them at most every 10 s, off the request's path once known.
  let current: { readonly value: string; readonly at: number } | undefined
  let refreshing = false
  const refresh = () => {
    refreshing = true
    return Runtime.runPromise(runtime)(ancestors).then((value) => {
      current = { value, at: Date.now() }
      refreshing = false
      return value
    })
  }
  return async (ctx, next) => {
    if (current === undefined) await refresh()
    else if (!refreshing && Date.now() - current.at > 10_000) void refresh()
    ;(ctx.res as WithAncestors).frameAncestors = current?.value ?? ""
    return secure(ctx, next)
  }
}
