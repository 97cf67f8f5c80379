/** Server-Sent Events: a tiny spec-following formatter and parser, and a response held open without a fiber. */
export * as KeepOpen from "./KeepOpen.js"
export * as SseFrame from "./SseFrame.js"
export * as SseParser from "./SseParser.js"
