import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc } from "effect"
import { botAnswers, canTransition, transition } from "../src/logic/ConversationState.js"
import { ConversationStatus } from "../src/model/Conversation.js"
import { InvalidTransition } from "../src/model/Errors.js"

const statuses = ConversationStatus.literals

// The product's rules, written out independently of the implementation: [from, to] pairs.
const allowed = new Set([
  "bot→waiting-for-agent",
  "bot→agent",
  "bot→closed",
  "waiting-for-agent→agent",
  "waiting-for-agent→bot",
  "waiting-for-agent→closed",
  "agent→bot",
  "agent→closed",
  "closed→bot"
])
const edge = (from: ConversationStatus, to: ConversationStatus) => `${from}→${to}`

describe("ConversationState.transition", () => {
  const table = statuses.flatMap((from) => statuses.map((to) => ({ from, to, ok: allowed.has(edge(from, to)) })))

  it("has 16 cases of which 9 are allowed", () => {
    expect(table).toHaveLength(16)
    expect(table.filter((row) => row.ok)).toHaveLength(9)
  })

  it.each(table)("$from → $to allowed: $ok", ({ from, ok, to }) => {
    expect(canTransition(from, to)).toBe(ok)
    const result = transition(from, to)
    if (ok) {
      expect(result).toEqual(Either.right(to))
    } else {
      expect(result).toEqual(Either.left(new InvalidTransition({ from, to })))
      expect(Either.isLeft(result) && result.left._tag).toBe("InvalidTransition")
    }
  })

  it("never allows staying on the same status", () => {
    for (const status of statuses) expect(Either.isLeft(transition(status, status))).toBe(true)
  })

  it("reopens a closed conversation only with the bot", () => {
    expect(transition("closed", "bot")).toEqual(Either.right("bot"))
    expect(Either.isLeft(transition("closed", "agent"))).toBe(true)
    expect(Either.isLeft(transition("closed", "waiting-for-agent"))).toBe(true)
  })
})

describe("ConversationState.botAnswers", () => {
  it("is true for bot and closed (which reopens to bot), false while waiting or with an agent", () => {
    expect(statuses.filter(botAnswers)).toEqual(["bot", "closed"])
  })
})

describe("ConversationState properties", () => {
  const status = fc.constantFrom(...statuses)

  it.prop(
    "any sequence of requested transitions only visits allowed edges",
    [status, fc.array(status, { maxLength: 30 })],
    ([start, requests]) => {
      let current = start
      for (const to of requests) {
        const result = transition(current, to)
        if (Either.isRight(result)) {
          expect(allowed.has(edge(current, result.right)), edge(current, result.right)).toBe(true)
          expect(result.right).toBe(to)
          current = result.right
        } else {
          expect(allowed.has(edge(current, to))).toBe(false)
          expect(result.left).toMatchObject({ from: current, to })
        }
      }
    },
    { fastCheck: { numRuns: 1000 } }
  )

  it.prop("transition agrees with canTransition", [status, status], ([from, to]) => {
    expect(Either.isRight(transition(from, to))).toBe(canTransition(from, to))
  }, { fastCheck: { numRuns: 1000 } })
})
