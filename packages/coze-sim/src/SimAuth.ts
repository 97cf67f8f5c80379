import { createHash } from "node:crypto"
import { Schema } from "effect"
import * as jose from "jose"
import { CozeFailure, type Exchange, readJson, sendJson } from "./Http.js"
import { nextId, nowSeconds, randomToken } from "./SimIds.js"
import type { SimState } from "./SimState.js"

/** The OAuth JWT service app the simulator trusts: a client id, a key id and a generated RSA key pair. */
export interface SimOAuth {
  readonly clientId: string
  readonly kid: string
  readonly privateKeyPem: string
  readonly publicKeyPem: string
}

/** Generates the test RSA key pair and the app's identifiers. */
export const makeOAuth = async (): Promise<{ oauth: SimOAuth; publicKey: jose.CryptoKey }> => {
  const { privateKey, publicKey } = await jose.generateKeyPair("RS256", { extractable: true, modulusLength: 2048 })
  const privateKeyPem = await jose.exportPKCS8(privateKey)
  const publicKeyPem = await jose.exportSPKI(publicKey)
  const kid = createHash("sha256").update(publicKeyPem).digest("base64url")
  return { oauth: { clientId: nextId(), kid, privateKeyPem, publicKeyPem }, publicKey }
}

const TokenRequest = Schema.Struct({
  grant_type: Schema.String,
  duration_seconds: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.positive())),
  scope: Schema.optional(Schema.Unknown)
})

const jwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"
const maxDuration = 86399

class OAuthFailure extends Error {
  constructor(readonly error: string, override readonly message: string, readonly status: number) {
    super(message)
  }
}

const bearerOf = (ex: Exchange): string | undefined => {
  const header = ex.req.headers.authorization
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header)
  return match?.[1]
}

/** `POST /api/permission/oauth2/token`: checks the signed JWT and issues an access token with an absolute `expires_in`. */
export const handleTokenExchange = async (ex: Exchange, oauth: SimOAuth, publicKey: jose.CryptoKey, audience: string): Promise<void> => {
  try {
    let body: unknown
    try {
      body = await readJson(ex)
    } catch {
      throw new OAuthFailure("invalid_request", "request body is not valid JSON", 400)
    }
    const decoded = Schema.decodeUnknownOption(TokenRequest)(body ?? {})
    if (decoded._tag === "None") throw new OAuthFailure("invalid_request", "invalid token request body", 400)
    if (decoded.value.grant_type !== jwtBearer) throw new OAuthFailure("unsupported_grant_type", "grant_type not supported", 400)
    const jwt = bearerOf(ex)
    if (jwt === undefined) throw new OAuthFailure("invalid_client", "missing JWT in Authorization header", 401)
    const claims = await verifyJwt(ex.state, jwt, oauth, publicKey, audience)
    const ttl = Math.min(decoded.value.duration_seconds ?? 900, ex.state.tokenTtlSeconds ?? maxDuration, maxDuration)
    const accessToken = randomToken("czs_")
    const expiresAt = nowSeconds() + ttl
    const sessionName = typeof claims.session_name === "string" ? claims.session_name : undefined
    ex.state.tokens.set(accessToken, { expiresAtMs: expiresAt * 1000, sessionName })
    ex.state.stats.tokenExchanges += 1
    ex.state.stats.sessionNames.push(sessionName)
    sendJson(ex, 200, { access_token: accessToken, expires_in: expiresAt, token_type: "Bearer" })
  } catch (e) {
    const f = e instanceof OAuthFailure ? e : new OAuthFailure("internal_error", String(e), 500)
    sendJson(ex, f.status, { error_code: f.error, error_message: f.message, error: f.error })
  }
}

const verifyJwt = async (state: SimState, jwt: string, oauth: SimOAuth, publicKey: jose.CryptoKey, audience: string): Promise<jose.JWTPayload> => {
  let result: jose.JWTVerifyResult
  try {
    result = await jose.jwtVerify(jwt, publicKey, {
      algorithms: ["RS256"],
      audience,
      issuer: oauth.clientId,
      requiredClaims: ["iat", "exp", "jti"]
    })
  } catch (e) {
    throw new OAuthFailure("invalid_client", `invalid JWT: ${(e as Error).message}`, 401)
  }
  if (result.protectedHeader.kid !== oauth.kid) throw new OAuthFailure("invalid_client", "unknown kid", 401)
  const jti = String(result.payload.jti)
  if (state.usedJti.has(jti)) throw new OAuthFailure("invalid_client", "jti has already been used", 401)
  state.usedJti.add(jti)
  return result.payload
}

/**
 * Checks the bearer token of an API request: the PAT or an unexpired issued token. A refusal is
 * code 4100, alternately with HTTP 401 and HTTP 200 (both are documented possibilities).
 */
export const requireBearer = (ex: Exchange): { readonly sessionName: string | undefined } => {
  const token = bearerOf(ex)
  if (token !== undefined && token === ex.state.pat) return { sessionName: undefined }
  const issued = token === undefined ? undefined : ex.state.tokens.get(token)
  if (issued !== undefined && issued.expiresAtMs > Date.now()) return { sessionName: issued.sessionName }
  ex.state.authFailures += 1
  throw new CozeFailure(4100, "authentication is invalid", ex.state.authFailures % 2 === 1 ? 401 : 200)
}

/** Expires every token issued so far (the `expireTokens` fault). */
export const expireAllTokens = (state: SimState): void => {
  const past = Date.now() - 1
  for (const t of state.tokens.values()) t.expiresAtMs = past
}
