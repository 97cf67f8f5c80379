import { createHash } from "node:crypto"
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import vm from "node:vm"

/**
 * What became of a script's code cache: used (`accepted`), refused by V8 (`rejected`: another
 * Node or other V8 flags), made for other source (`stale`), or missing (`absent`). In every case
 * but `accepted` the script was compiled from its source, as without a cache.
 */
export type CacheState = "accepted" | "rejected" | "stale" | "absent"

/** A script compiled with (or without) its cache. */
export interface Compiled {
  readonly script: vm.Script
  readonly state: CacheState
  /** Writes the cache of what has been compiled so far (functions run by now included); false when it cannot be written. */
  readonly save: () => boolean
}

const digestBytes = 32

/** V8 checks a cache against its version and flags but matches the source by length only: the cache file starts with a digest of the source. */
const digestOf = (source: string) => createHash("sha256").update(process.version).update("\0").update(source).digest()

/**
 * Compiles `file` as a classic script with the V8 code cache kept in `cacheFile` (a digest of the
 * source, then V8's cached data), so that a start skips most parsing and compiling of a large
 * bundle. A missing, stale or rejected cache only costs the compile it would have saved.
 */
export const compile = (file: string, cacheFile: string): Compiled => {
  const source = readFileSync(file, "utf8")
  const digest = digestOf(source)
  let cachedData: Buffer | undefined
  let state: CacheState = "absent"
  try {
    const raw = readFileSync(cacheFile)
    if (raw.length > digestBytes && raw.subarray(0, digestBytes).equals(digest)) cachedData = raw.subarray(digestBytes)
    else state = "stale"
  } catch {
    // absent
  }
  const script = new vm.Script(source, { filename: file, ...(cachedData === undefined ? {} : { cachedData }) })
  if (cachedData !== undefined) state = script.cachedDataRejected === true ? "rejected" : "accepted"
  const save = () => {
    const tmp = `${cacheFile}.${process.pid}.tmp`
    try {
      writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]))
      renameSync(tmp, cacheFile)
      return true
    } catch {
      rmSync(tmp, { force: true })
      return false
    }
  }
  return { script, state, save }
}
