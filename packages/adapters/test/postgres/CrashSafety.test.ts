import { Database, layerStores } from "@chatbot-node/adapters/postgres"
import { ConversationStore, Ids } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { newShopId, newVisitorId } from "../contract/fixtures.js"
import { freshDatabase, testDatabaseUrl } from "../support/database.js"

const child = fileURLToPath(new URL("./crash-child.ts", import.meta.url))
const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url))

/** Runs the child until it has stored a part of the reply, lets it stream a little, then SIGKILLs it. */
const runAndKill = (args: ReadonlyArray<string>, streamFor: number) =>
  Effect.acquireUseRelease(
    Effect.sync(() =>
      spawn(process.execPath, ["--conditions=source", "--import", "tsx", child, ...args], {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"]
      })
    ),
    (proc: ChildProcess) =>
      Effect.async<{ conversationId: Ids.ConversationId; visitorMessageId: string; replyId: string }, Error>((resume) => {
        let out = ""
        let err = ""
        proc.stderr!.on("data", (chunk) => (err += chunk))
        proc.stdout!.on("data", (chunk) => {
          out += chunk
          const match = /READY (\S+) (\S+) (\S+)\n/.exec(out)
          if (match === null) return
          setTimeout(() => {
            proc.kill("SIGKILL")
            proc.once("exit", (_code, signal) => {
              if (signal !== "SIGKILL") return resume(Effect.fail(new Error(`child ended by ${signal}`)))
              resume(Effect.succeed({ conversationId: Ids.ConversationId.make(match[1]!), visitorMessageId: match[2]!, replyId: match[3]! }))
            })
          }, streamFor)
        })
        proc.once("exit", (code) => {
          if (!/READY/.test(out)) resume(Effect.fail(new Error(`child exited ${code} before READY: ${err}`)))
        })
      }),
    (proc) => Effect.sync(() => proc.exitCode === null && proc.signalCode === null && proc.kill("SIGKILL"))
  )

/** After reopening: the visitor message is there; the reply is never complete, and after
 * interruptStreamingReplies it is `interrupted` holding a prefix of what was streamed. */
const checkAfterCrash = (killed: { conversationId: Ids.ConversationId; visitorMessageId: string; replyId: string }) =>
  Effect.gen(function* () {
    const store = yield* ConversationStore
    const before = yield* store.listMessages(killed.conversationId, { limit: 10 })
    expect(before[0]).toMatchObject({ id: killed.visitorMessageId, seq: 1, status: "complete", text: "Do you ship to Spain?" })
    const reply = before.find((m) => m.id === killed.replyId)
    if (reply !== undefined) expect(reply.status).toBe("streaming")
    expect(yield* store.interruptStreamingReplies).toBeGreaterThanOrEqual(reply === undefined ? 0 : 1)
    const after = yield* store.listMessages(killed.conversationId, { limit: 10 })
    expect(after).toHaveLength(before.length)
    const interrupted = after.find((m) => m.id === killed.replyId)
    if (interrupted !== undefined) {
      expect(interrupted.status).toBe("interrupted")
      // the parts arrived whole and in order: part0 part1 … partN
      const parts = interrupted.text.trim().split(" ")
      expect(parts).toEqual(parts.map((_, i) => `part${i}`))
      expect(parts.length).toBeGreaterThanOrEqual(1)
      console.log(`reply held ${parts.length} parts when the process was killed`)
    }
    // the store still takes the visitor's retry (idempotent) and new messages
    const retry = yield* store.appendMessage({
      conversationId: killed.conversationId,
      role: "visitor",
      text: "Do you ship to Spain?",
      status: "complete",
      clientMessageId: Ids.ClientMessageId.make("crash-1")
    })
    expect(retry).toMatchObject({ created: false, message: { id: killed.visitorMessageId } })
    expect(Option.isSome(yield* store.getConversation(killed.conversationId))).toBe(true)
  })

describe("crash safety (SIGKILL while a reply streams)", () => {
  it.scopedLive("PGlite: the reopened directory has the visitor message and no half-written complete reply", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.acquireRelease(
        Effect.sync(() => mkdtempSync(join(tmpdir(), "chatbot-crash-"))),
        (d) => Effect.sync(() => rmSync(d, { recursive: true, force: true }))
      )
      const dataDir = join(dir, "pglite")
      const killed = yield* runAndKill(["pglite", dataDir, newShopId(), newVisitorId()], 300)
      yield* Effect.provide(checkAfterCrash(killed), Layer.provideMerge(layerStores, Database.layerPglite({ dataDir })))
    }), 180_000)

  it.scopedLive.runIf(testDatabaseUrl !== undefined)("PostgreSQL: after the kill the visitor message is stored and the reply is interrupted, not complete", () =>
    Effect.gen(function* () {
      const db = yield* freshDatabase(testDatabaseUrl!)
      const killed = yield* runAndKill(["postgres", db.url, newShopId(), newVisitorId()], 300)
      yield* Effect.provide(checkAfterCrash(killed), Layer.provideMerge(layerStores, Database.layerPostgres({ url: db.url })))
    }), 120_000)
})
