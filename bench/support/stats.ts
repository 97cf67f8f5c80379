/** The p-th percentile (0–100) of a sample, nearest rank; NaN when empty. */
export const percentile = (xs: ReadonlyArray<number>, p: number): number => {
  if (xs.length === 0) return Number.NaN
  const sorted = [...xs].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

/** The median of a sample. */
export const median = (xs: ReadonlyArray<number>): number => percentile(xs, 50)

/** Rounds to `digits` decimals (2 by default). */
export const round = (x: number, digits = 2): number => {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** `a / b` rounded, or null when b is 0 or either is not a number. */
export const ratio = (a: number, b: number, digits = 3): number | null =>
  Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? round(a / b, digits) : null
