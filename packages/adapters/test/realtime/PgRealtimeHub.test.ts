import { PgRealtimeHub } from "@chatbot-node/adapters/realtime"
import { describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { freshDatabase, testDatabaseUrl } from "../support/database.js"
import { crossInstance } from "./HubContract.js"

describe.skipIf(testDatabaseUrl === undefined)("PgRealtimeHub on PostgreSQL (TEST_DATABASE_URL)", () => {
  it.scopedLive("fans events out to another instance in order, large ones included, and to its own subscribers once", () =>
    Effect.gen(function*() {
      const db = yield* freshDatabase(testDatabaseUrl!)
      const a = yield* PgRealtimeHub.make({ url: db.url, channel: "hub_test" })
      const b = yield* PgRealtimeHub.make({ url: db.url, channel: "hub_test" })
      yield* crossInstance(a, b)
    }), 30_000)
})
