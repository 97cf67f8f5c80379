import { describe, expect, it } from "@effect/vitest"
import { I18n, Locale } from "@chatbot-node/domain"

describe("I18n", () => {
  it("has every sentence in every locale with the same placeholders as English", () => {
    for (const locale of Locale.locales) {
      for (const key of I18n.messageKeys) {
        const sentence = I18n.catalogs[locale][key]
        expect(sentence.trim().length, `${locale}.${key}`).toBeGreaterThan(0)
        expect(I18n.placeholdersOf(sentence), `${locale}.${key}`).toEqual(I18n.placeholdersOf(I18n.catalogs.en[key]))
      }
    }
  })

  it("says different things in different languages", () => {
    for (const key of I18n.messageKeys) {
      expect(new Set(Locale.locales.map((l) => I18n.catalogs[l][key])).size, key).toBe(3)
    }
  })

  it("fills placeholders", () => {
    expect(I18n.t("es", "rateLimited", { seconds: 30 })).toBe("Estás enviando mensajes demasiado rápido. Espera 30 segundos e inténtalo de nuevo.")
    expect(I18n.t("zh", "agentJoined", { name: "小李" })).toBe("客服 小李 已加入对话。")
    expect(I18n.t("en", "botBusy")).toBe("I'm still answering your previous message. One moment, please.")
  })
})
