import { Schema } from "effect"

/** The part of EverShop's event payloads a notice needs: a product row or an inventory row. */
const EventPayload = Schema.Struct({
  sku: Schema.optional(Schema.NullOr(Schema.String)),
  product_id: Schema.optional(Schema.NullOr(Schema.Union(Schema.Number, Schema.String))),
  product_inventory_product_id: Schema.optional(Schema.NullOr(Schema.Union(Schema.Number, Schema.String)))
})

/** The body of `POST <server>/api/catalog/invalidate`. */
export interface ChangeNotice {
  readonly event: string
  readonly skus: ReadonlyArray<string>
  readonly productIds: ReadonlyArray<string>
}

/** A notice for an EverShop event and its payload (whatever fields of it are known). */
export const noticeFor = (event: string, payload: unknown): ChangeNotice => {
  const row = Schema.decodeUnknownOption(EventPayload)(payload)
  if (row._tag === "None") return { event, skus: [], productIds: [] }
  const id = row.value.product_id ?? row.value.product_inventory_product_id
  return {
    event,
    skus: row.value.sku != null && row.value.sku !== "" ? [row.value.sku] : [],
    productIds: id != null ? [String(id)] : []
  }
}

/** Where and how a notice is sent: the server's invalidation route, with the shared secret. */
export const requestFor = (serverUrl: string, secret: string, notice: ChangeNotice) => ({
  url: `${serverUrl.replace(/\/+$/, "")}/api/catalog/invalidate`,
  init: {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    body: JSON.stringify(notice)
  }
})
