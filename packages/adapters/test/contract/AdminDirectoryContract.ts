import { AdminDirectory, Ids } from "@chatbot-node/domain"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { newShopId } from "./fixtures.js"

const email = (local: string) => `${local}.${Ids.randomToken().toLowerCase()}@shop.example`

/** The behaviour every AdminDirectory must have. */
export const adminDirectoryContract = (name: string, directoryLayer: Layer.Layer<AdminDirectory, unknown>) =>
  layer(directoryLayer, { timeout: "120 seconds" })(`AdminDirectory contract: ${name}`, (it) => {
    it.effect("saves an account and finds it by email (any case) and by id", () =>
      Effect.gen(function* () {
        const directory = yield* AdminDirectory
        const address = email("Owner")
        const shops = [newShopId(), newShopId()]
        const admin = yield* directory.saveAdmin({ email: address, name: "Ana Ñúñez", role: "owner", shopIds: shops, passwordHash: "hash-1" })
        expect(admin).toMatchObject({ email: address, name: "Ana Ñúñez", role: "owner", shopIds: shops })
        const found = yield* directory.findByEmail(address.toUpperCase())
        expect(found).toEqual(Option.some({ admin, passwordHash: "hash-1" }))
        expect(yield* directory.getAdmin(admin.id)).toEqual(Option.some(admin))
        expect(yield* directory.findByEmail(email("nobody"))).toEqual(Option.none())
        expect(yield* directory.getAdmin(Ids.AdminId.make("no-such-admin"))).toEqual(Option.none())
        expect((yield* directory.listAdmins).filter((a) => a.id === admin.id)).toEqual([admin])
      }))

    it.effect("saving the same email (another case) replaces name, role, shops and password, keeps the id", () =>
      Effect.gen(function* () {
        const directory = yield* AdminDirectory
        const address = email("agent")
        const first = yield* directory.saveAdmin({ email: address, name: "A", role: "agent", shopIds: [], passwordHash: "h1" })
        const shop = newShopId()
        const second = yield* directory.saveAdmin({ email: address.toUpperCase(), name: "B", role: "owner", shopIds: [shop], passwordHash: "h2" })
        expect(second.id).toBe(first.id)
        expect(second.createdAt).toEqual(first.createdAt)
        expect(second).toMatchObject({ name: "B", role: "owner", shopIds: [shop] })
        expect(Option.map(yield* directory.findByEmail(address), (c) => c.passwordHash)).toEqual(Option.some("h2"))
        expect((yield* directory.listAdmins).filter((a) => a.id === first.id)).toHaveLength(1)
      }))
  })
