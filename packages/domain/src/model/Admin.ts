import { Schema } from "effect"
import { AdminId, ShopId } from "./Ids.js"

/** An owner manages bots and staff; an agent reads and answers conversations. */
export const AdminRole = Schema.Literal("owner", "agent")
export type AdminRole = typeof AdminRole.Type

/** A staff account; `shopIds` empty means every shop. */
export class Admin extends Schema.Class<Admin>("Admin")({
  id: AdminId,
  email: Schema.String.pipe(Schema.pattern(/^[^\s@]+@[^\s@]+$/)),
  name: Schema.String,
  role: AdminRole,
  shopIds: Schema.Array(ShopId),
  createdAt: Schema.Date
}) {}

/** An admin with the stored password hash, as only the login check sees it. */
export interface AdminCredentials {
  readonly admin: Admin
  readonly passwordHash: string
}

export const canAccessShop = (admin: Admin, shopId: ShopId): boolean =>
  admin.shopIds.length === 0 || admin.shopIds.includes(shopId)
