import { NotifyChunks } from "@chatbot-node/adapters/realtime"
import { Ids } from "@chatbot-node/domain"
import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import * as HubPeers from "../../src/realtime/HubPeers.js"

describe("HubPeers", () => {
  it("reads back the presence messages it formats, and nothing else", () => {
    const sender = Ids.randomToken()
    for (const kind of ["hello", "here", "bye"] as const) {
      const payload = HubPeers.format(kind, sender)
      expect(HubPeers.isPresence(payload)).toBe(true)
      expect(HubPeers.parse(payload)).toEqual({ kind, sender })
    }
    expect(HubPeers.parse("~hi|x")).toBeUndefined()
    expect(HubPeers.parse("~here|")).toBeUndefined()
    expect(HubPeers.parse("~here|a|b")).toBeUndefined()
    // An old instance's assembler (NotifyChunks) takes presence for no event.
    expect(NotifyChunks.makeAssembler().push(HubPeers.format("hello", sender), 0)).toBeUndefined()
  })

  it.prop("no event payload looks like presence", [FastCheck.string({ unit: "binary", maxLength: 5000 })], ([text]) => {
    for (const payload of NotifyChunks.split(Ids.randomToken(), "1", text)) expect(HubPeers.isPresence(payload)).toBe(false)
  })

  it("counts a peer while it was heard within the time to live; a bye forgets it at once", () => {
    const peers = HubPeers.makePeers(500)
    expect(peers.any(0)).toBe(false)
    peers.heard({ kind: "hello", sender: "a" }, 0)
    expect(peers.any(500)).toBe(true)
    expect(peers.any(501)).toBe(false)
    peers.heard({ kind: "here", sender: "a" }, 1000)
    peers.heard({ kind: "here", sender: "b" }, 1200)
    expect(peers.any(1600)).toBe(true)
    peers.heard({ kind: "bye", sender: "b" }, 1600)
    expect(peers.any(1600)).toBe(false)
    peers.heard({ kind: "bye", sender: "never-seen" }, 1600)
    expect(peers.any(1600)).toBe(false)
  })
})
