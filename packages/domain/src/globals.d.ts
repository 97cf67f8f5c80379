// The domain runs in Node, browsers and Workers alike; it needs only the Web Crypto random source,
// which every one of them has as a global. Declared here so the domain compiles without DOM or Node types.
declare global {
  // eslint-disable-next-line no-var
  var crypto: { getRandomValues<T extends Uint8Array>(array: T): T }
}
export {}
