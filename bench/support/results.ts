import { writeFileSync } from "node:fs"
import { join } from "node:path"
import { describe, machine, type Machine } from "./machine.js"

/** A table: a caption, headers and rows of cells. */
export interface Table {
  readonly title: string
  readonly headers: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>
}

const cell = (v: string | number | boolean | null) => (v === null ? "–" : String(v).replace(/\|/g, "\\|"))

/** A table as GitHub markdown. */
export const markdown = (t: Table): string =>
  [`**${t.title}**`, "", `| ${t.headers.join(" | ")} |`, `|${t.headers.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`, ...t.rows.map((r) => `| ${r.map(cell).join(" | ")} |`), ""].join("\n")

/** Prints a table to the console (plain, aligned). */
export const print = (t: Table): void => {
  const all = [t.headers, ...t.rows.map((r) => r.map(cell))]
  const widths = t.headers.map((_, i) => Math.max(...all.map((r) => String(r[i] ?? "").length)))
  console.log(`\n${t.title}`)
  for (const [n, r] of all.entries()) {
    console.log(r.map((c, i) => String(c).padEnd(widths[i]!)).join("  "))
    if (n === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "))
  }
}

/** One figure for the summary: what was measured, its baseline, the ratio and the target. */
export interface Figure {
  readonly figure: string
  readonly value: string
  readonly baseline: string
  readonly ratio: number | null
  readonly target: string
  readonly met: boolean | null
}

/**
 * Writes bench/results/<name>.json (machine, command, data, figures) and <name>.md (the tables),
 * and prints the tables.
 */
export const write = (root: string, name: string, command: string, data: unknown, tables: ReadonlyArray<Table>, figures: ReadonlyArray<Figure>, notes: ReadonlyArray<string> = []): Machine => {
  const m = machine(root)
  for (const t of tables) print(t)
  for (const n of notes) console.log(n)
  writeFileSync(join(root, "bench/results", `${name}.json`), JSON.stringify({ name, command, machine: m, figures, data }, null, 2) + "\n")
  const md = [`# bench/${name}`, "", `${describe(m)}. Command: \`${command}\`.`, "", ...tables.map(markdown), ...notes.map((n) => `${n}\n`)].join("\n")
  writeFileSync(join(root, "bench/results", `${name}.md`), md)
  console.log(`\nwrote bench/results/${name}.json and ${name}.md`)
  return m
}
