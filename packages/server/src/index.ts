/** The composition root: configuration, layers and the HTTP server, for tests and embedding. */
export { AppLive } from "./App.js"
export * as Config from "./Config.js"
export * as Http from "./Http.js"
export * as Layers from "./Layers.js"
