import { execSync } from "node:child_process"
import * as os from "node:os"

/** The machine a result was measured on: cores, memory, Node, load, date and commit. */
export interface Machine {
  readonly cores: number
  readonly cpu: string
  readonly memoryGB: number
  readonly node: string
  readonly platform: string
  readonly loadAverage1m: number
  readonly date: string
  readonly commit: string
}

/** Reads the machine's description now (the commit is HEAD of the checkout, `+dirty` with local changes to tracked files). */
export const machine = (root: string): Machine => {
  const git = (args: string) => {
    try {
      return execSync(`git ${args}`, { cwd: root, stdio: ["ignore", "pipe", "ignore"] }).toString().trim()
    } catch {
      return ""
    }
  }
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "?",
    memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
    date: new Date().toISOString(),
    commit: git("rev-parse --short HEAD") || "?"
  }
}

/** One line for a table's caption. */
export const describe = (m: Machine): string =>
  `${m.date.slice(0, 16).replace("T", " ")} UTC, ${m.cores} × ${m.cpu}, ${m.memoryGB} GB, Node ${m.node}, load ${m.loadAverage1m}, commit ${m.commit}`
