import { Context, type Effect, type Option } from "effect"
import type { Admin, AdminCredentials, AdminRole } from "../model/Admin.js"
import type { StoreError } from "../model/Errors.js"
import type { AdminId, ShopId } from "../model/Ids.js"

/** What it takes to create a staff account; the password arrives already hashed. */
export interface NewAdmin {
  readonly email: string
  readonly name: string
  readonly role: AdminRole
  readonly shopIds: ReadonlyArray<ShopId>
  readonly passwordHash: string
}

/** Staff accounts (owners and agents) and their password hashes. */
export class AdminDirectory extends Context.Tag("@chatbot-node/domain/AdminDirectory")<AdminDirectory, AdminDirectory.Service>() {}

export declare namespace AdminDirectory {
  export interface Service {
    /** Emails compare case-insensitively. */
    readonly findByEmail: (email: string) => Effect.Effect<Option.Option<AdminCredentials>, StoreError>
    readonly getAdmin: (id: AdminId) => Effect.Effect<Option.Option<Admin>, StoreError>
    readonly listAdmins: Effect.Effect<ReadonlyArray<Admin>, StoreError>
    /** Creates the account, or replaces name, role, shops and password of the one with this email. */
    readonly saveAdmin: (admin: NewAdmin) => Effect.Effect<Admin, StoreError>
  }
}
