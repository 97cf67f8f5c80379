/** The Coze Open API simulator for tests, benchmarks and offline development. */
export { type CozeSimulator, type CozeSimulatorOptions, type SimBots, startCozeSimulator } from "./CozeSimulator.js"
export type { Fault } from "./Faults.js"
export type { SimOAuth } from "./SimAuth.js"
export type { Pace, SimConversation, SimMessage, SimStats } from "./SimState.js"
