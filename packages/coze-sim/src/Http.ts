import type { IncomingMessage, ServerResponse } from "node:http"
import { Either, ParseResult, Schema } from "effect"
import type { SimState } from "./SimState.js"

/** One request being answered: the raw node objects, the parsed URL and the log id of the answer. */
export interface Exchange {
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly logId: string
  readonly state: SimState
}

/** A request the simulator refuses with a Coze error envelope. */
export class CozeFailure extends Error {
  constructor(
    readonly code: number,
    override readonly message: string,
    readonly httpStatus: number = 200,
    readonly headers: Record<string, string> = {}
  ) {
    super(message)
  }
}

/** Writes the status line and headers (always with `X-Tt-Logid`) and records the request. */
export const writeHead = (ex: Exchange, status: number, headers: Record<string, string>): void => {
  ex.res.writeHead(status, { ...headers, "X-Tt-Logid": ex.logId })
  ex.state.stats.requests.push({ method: ex.method, path: ex.path, status })
}

/** Sends a JSON body as is. */
export const sendJson = (ex: Exchange, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = JSON.stringify(body)
  writeHead(ex, status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": String(Buffer.byteLength(text)), ...headers })
  ex.res.end(text)
}

/** Sends the success envelope `{code:0, msg:"", data, detail:{logid}}` (no `data` when undefined). */
export const sendOk = (ex: Exchange, data?: unknown): void =>
  sendJson(ex, 200, data === undefined ? { code: 0, msg: "", detail: { logid: ex.logId } } : { code: 0, msg: "", data, detail: { logid: ex.logId } })

/** Sends the error envelope `{code, msg, detail:{logid}}`. */
export const sendFailure = (ex: Exchange, failure: CozeFailure): void =>
  sendJson(ex, failure.httpStatus, { code: failure.code, msg: failure.message, detail: { logid: ex.logId } }, failure.headers)

const maxBody = 15 * 1024 * 1024

/** Reads the whole request body as JSON; an empty body is `undefined`; bad JSON is a 4000. */
export const readJson = async (ex: Exchange): Promise<unknown> => {
  const chunks: Array<Buffer> = []
  let size = 0
  for await (const chunk of ex.req) {
    const buf = chunk as Buffer
    size += buf.length
    if (size > maxBody) throw new CozeFailure(4000, "request body too large")
    chunks.push(buf)
  }
  const text = Buffer.concat(chunks).toString("utf8").trim()
  if (text === "") return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw new CozeFailure(4000, "invalid parameter: body is not valid JSON")
  }
}

/** Decodes an input with a Schema, turning a parse error into a 4000. */
export const decodeOr4000 = <A, I>(schema: Schema.Schema<A, I>, input: unknown): A => {
  const result = Schema.decodeUnknownEither(schema)(input, { errors: "first" })
  if (Either.isRight(result)) return result.right
  throw new CozeFailure(4000, `invalid parameter: ${ParseResult.TreeFormatter.formatErrorSync(result.left)}`)
}

/** A required query parameter, or a 4000. */
export const requireQuery = (ex: Exchange, name: string): string => {
  const value = ex.query.get(name)
  if (value === null || value === "") throw new CozeFailure(4000, `invalid parameter: ${name} is required`)
  return value
}

/** Waits the given milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
