/**
 * PostgreSQL NOTIFY carries at most 8000 bytes: a longer message goes as numbered chunks
 * `<sender>|<id>|<index>|<count>|<text>` and is put back together on the other side.
 */

/** Code units per chunk: at most 3 UTF-8 bytes each, so a chunk stays well under 8000 bytes. */
export const chunkUnits = 2000

/** Splits `text` into NOTIFY payloads, never between the two halves of a surrogate pair. */
export const split = (sender: string, id: string, text: string, units: number = chunkUnits): ReadonlyArray<string> => {
  const parts: Array<string> = []
  let start = 0
  while (start < text.length || parts.length === 0) {
    let end = Math.min(text.length, start + units)
    const last = text.charCodeAt(end - 1)
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--
    parts.push(text.slice(start, end))
    start = end
  }
  return parts.map((part, i) => `${sender}|${id}|${i}|${parts.length}|${part}`)
}

/** A whole message received from another sender. */
export interface Received {
  readonly sender: string
  readonly text: string
}

/** Reassembles chunks; a message whose chunks stop coming is dropped after `staleMs`. */
export interface Assembler {
  /** Takes one payload; returns the whole message when this was its last chunk. */
  readonly push: (payload: string, now: number) => Received | undefined
  readonly pending: () => number
}

const header = /^([^|]{1,64})\|([^|]{1,64})\|(\d{1,6})\|(\d{1,6})\|/

export const makeAssembler = (staleMs = 30_000): Assembler => {
  const partial = new Map<string, { parts: Array<string | undefined>; received: number; at: number }>()
  const prune = (now: number) => {
    for (const [key, entry] of partial) if (now - entry.at > staleMs) partial.delete(key)
  }
  return {
    push: (payload, now) => {
      const match = header.exec(payload)
      if (match === null) return undefined
      const [prefix, sender, id, rawIndex, rawCount] = match as unknown as [string, string, string, string, string]
      const index = Number(rawIndex)
      const count = Number(rawCount)
      if (count < 1 || index >= count) return undefined
      const text = payload.slice(prefix.length)
      if (count === 1) return { sender, text }
      const key = `${sender}|${id}`
      let entry = partial.get(key)
      if (entry === undefined) {
        prune(now)
        entry = { parts: new Array<string | undefined>(count), received: 0, at: now }
        partial.set(key, entry)
      }
      if (entry.parts.length !== count || entry.parts[index] !== undefined) return undefined
      entry.parts[index] = text
      entry.received++
      if (entry.received < count) return undefined
      partial.delete(key)
      return { sender, text: entry.parts.join("") }
    },
    pending: () => partial.size
  }
}
