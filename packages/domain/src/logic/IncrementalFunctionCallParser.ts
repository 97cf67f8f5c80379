import type { FunctionCall } from "../model/FunctionCall.js"

/** Turns one block's raw body into calls (appended to `calls`) and raw bodies that did not decode. */
export type BlockDecoder = (raw: string, calls: Array<FunctionCall>, malformed: Array<string>) => void

const P = "<|FunctionCall"
const TAG = "think_never_used_"
const MAX_LETTERS = 16
const MAX_TAG_ID = 64
const MAX_DROPPED_PIECES = 64

const NONE = 0
const PARTIAL = 1
const BEGIN = 2
const END = 3
const GARBAGE = 4
const THINK_TAG = 5

/** End (exclusive) of the last token matched by `matchToken` / `matchTag`. */
let matchEnd = 0

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
const isIdChar = (c: number) => isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 45

/** At `lt` stands `<|`: is it `<|FunctionCall` + letters (+ `|>`)? Begin/End markers are two cases of it. */
const matchToken = (w: string, lt: number, final: boolean): number => {
  const len = w.length
  if (len - lt < 14) {
    for (let k = lt + 2; k < len; k++) if (w.charCodeAt(k) !== P.charCodeAt(k - lt)) return NONE
    return final ? NONE : PARTIAL
  }
  return w.startsWith(P, lt) ? matchAfterPrefix(w, lt + 14, final) : NONE
}

/** At `j` ends a `<|FunctionCall`: the letters (+ `|>`) after it make the token; sets `matchEnd`. */
const matchAfterPrefix = (w: string, j: number, final: boolean): number => {
  const len = w.length
  let k = j
  while (k < len && k - j < MAX_LETTERS && isLetter(w.charCodeAt(k))) k++
  if (k === len && !final) return PARTIAL
  let e = k
  let closed = false
  if (k < len && w.charCodeAt(k) === 124) {
    e = k + 1
    if (e === len) {
      if (!final) return PARTIAL
    } else if (w.charCodeAt(e) === 62) {
      e++
      closed = true
    }
  }
  matchEnd = e
  if (closed) {
    if (k - j === 5 && w.startsWith("Begin", j)) return BEGIN
    if (k - j === 3 && w.startsWith("End", j)) return END
  }
  return GARBAGE
}

/** At `lt` stands `<t` or `</`: is it a `<think_never_used_…>` / `</think_never_used_…>` tag? */
const matchTag = (w: string, lt: number, final: boolean): number => {
  const len = w.length
  let j = lt + 1
  if (w.charCodeAt(j) === 47) {
    j++
    if (j === len) return final ? NONE : PARTIAL
  }
  for (let k = 0; k < 17; k++) {
    if (j + k === len) return final ? NONE : PARTIAL
    if (w.charCodeAt(j + k) !== TAG.charCodeAt(k)) return NONE
  }
  const s = j + 17
  let k = s
  while (k < len && k - s < MAX_TAG_ID && isIdChar(w.charCodeAt(k))) k++
  if (k === len) return final ? NONE : PARTIAL
  if (k === s || w.charCodeAt(k) !== 62) return NONE
  matchEnd = k + 1
  return THINK_TAG
}

/**
 * Moves `h` back over text pieces that are proper prefixes of `<|FunctionCall` (`<`, `<|F`, …): such
 * pieces are dropped before removed markup, so that no `<|FunctionCall` forms across the cut.
 */
const retreat = (w: string, lo: number, h: number): number => {
  for (let n = 0; n < MAX_DROPPED_PIECES && h > lo; n++) {
    let j = h - 1
    const stop = Math.max(lo, h - 13)
    while (j > stop && w.charCodeAt(j) !== 60) j--
    if (w.charCodeAt(j) !== 60) return h
    for (let m = j + 1; m < h; m++) if (w.charCodeAt(m) !== P.charCodeAt(m - j)) return h
    h = j
  }
  return h
}

/** Start of a suffix of `w[lo..]` that is a proper prefix of `<|FunctionCall`, or `w.length`. */
const tailPrefix = (w: string, lo: number): number => {
  const len = w.length
  let j = w.indexOf("<", Math.max(lo, len - 13))
  if (j === -1) return len
  for (let k = w.indexOf("<", j + 1); k !== -1; k = w.indexOf("<", k + 1)) j = k
  for (let m = j + 1; m < len; m++) if (w.charCodeAt(m) !== P.charCodeAt(m - j)) return len
  return j
}

/**
 * The markup state machine behind both `parse` and `makeIncrementalParser`: fed chunks, it moves
 * visible text to `text`, hands each block body to the decoder, and keeps back only what the next
 * chunk could still turn into markup. Every decision looks at a bounded stretch of input, so the
 * result does not depend on where the chunks were cut, and the work is linear in the input.
 */
export class IncrementalFunctionCallParser {
  /** Visible text produced since the last `take`. */
  text = ""
  /** Calls decoded since the last `take`. */
  calls: Array<FunctionCall> = []
  /** Raw bodies that did not decode, since construction. */
  malformed: Array<string> = []
  private inBlock = false
  private held = ""
  private body = ""

  /**
   * With `ranges`, for a single `feed` of a whole input, visible text is not built but recorded as
   * offset pairs `[from, to)` into that input: a batch parse then keeps no rope of slices alive while
   * it decodes, which makes every young-generation collection during the parse cheaper.
   */
  constructor(private readonly decode: BlockDecoder, private readonly ranges?: Array<number>) {}

  /** True when `chunk` is plain text that can be shown as it is (the common case): then do not feed it. */
  passes(chunk: string): boolean {
    return this.held.length === 0 && !this.inBlock && chunk.indexOf("<") === -1 &&
      chunk.charCodeAt(chunk.length - 1) !== 93
  }

  /** True when `chunk` lies inside an open block and cannot start a marker: it was taken as body, do not feed it. */
  absorbs(chunk: string): boolean {
    if (!this.inBlock || this.held.length !== 0 || chunk.indexOf("<") !== -1) return false
    this.body += chunk
    return true
  }

  /** Consumes a chunk; with `final`, the input ends after it and nothing is held back. */
  feed(chunk: string, final: boolean): void {
    const w = this.held.length === 0 ? chunk : this.held + chunk
    this.held = ""
    let pos = 0
    while (pos >= 0) pos = this.inBlock ? this.scanBlock(w, pos, final) : this.scanText(w, pos, final)
  }

  private emit(w: string, from: number, to: number): void {
    if (to <= from) return
    if (this.ranges === undefined) this.text += w.slice(from, to)
    else this.ranges.push(from, to)
  }

  private scanText(w: string, pos: number, final: boolean): number {
    const len = w.length
    let seg = pos
    let i = pos
    for (;;) {
      const lt = w.indexOf("<", i)
      if (lt === -1) {
        let h = len
        if (!final && len > seg && w.charCodeAt(len - 1) === 93) h = retreat(w, seg, len - 1)
        this.emit(w, seg, h)
        if (h < len) this.held = w.slice(h)
        return -1
      }
      const c1 = w.charCodeAt(lt + 1)
      const kind = c1 === 124
        ? matchToken(w, lt, final)
        : c1 === 116 || c1 === 47
        ? matchTag(w, lt, final)
        : lt + 1 === len && !final
        ? PARTIAL
        : NONE
      if (kind === NONE) {
        i = lt + 1
        continue
      }
      let cut = lt
      if ((kind === PARTIAL && c1 !== 116 && c1 !== 47) || kind === END) {
        if (lt > seg && w.charCodeAt(lt - 1) === 93) cut = lt - 1
      }
      const h = retreat(w, seg, cut)
      this.emit(w, seg, h)
      if (kind === PARTIAL) {
        this.held = w.slice(h)
        return -1
      }
      if (kind === BEGIN) {
        this.inBlock = true
        return matchEnd
      }
      seg = i = matchEnd
    }
  }

  private scanBlock(w: string, pos: number, final: boolean): number {
    let i = pos
    for (;;) {
      const lt = w.indexOf(P, i)
      if (lt === -1) {
        const h = final ? w.length : tailPrefix(w, pos)
        if (h > pos) this.body += w.slice(pos, h)
        if (h < w.length) this.held = w.slice(h)
        if (final) this.closeBlock(false)
        return -1
      }
      const kind = matchAfterPrefix(w, lt + 14, final)
      if (kind === PARTIAL) {
        if (lt > pos) this.body += w.slice(pos, lt)
        this.held = w.slice(lt)
        return -1
      }
      if (kind === BEGIN || kind === END) {
        if (lt > pos) this.body += w.slice(pos, lt)
        this.closeBlock(kind === BEGIN)
        return matchEnd
      }
      i = lt + 1
    }
  }

  private closeBlock(stayInBlock: boolean): void {
    const raw = this.body
    this.body = ""
    this.inBlock = stayInBlock
    this.decode(raw, this.calls, this.malformed)
  }
}
