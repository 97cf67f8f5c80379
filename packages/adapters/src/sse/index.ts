/** Server-Sent Events: a tiny spec-following formatter and parser. */
export * as SseFrame from "./SseFrame.js"
export * as SseParser from "./SseParser.js"
