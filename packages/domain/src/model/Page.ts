import { Option } from "effect"

/** One page of a keyset-paginated listing; pass `nextCursor` back to get the next. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: Option.Option<string>
}
