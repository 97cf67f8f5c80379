import { describe, expect, it } from "@effect/vitest"
import { launcherLabels } from "../../src/i18n/launcher.js"
import { resolveLocale } from "../../src/i18n/locale.js"
import { catalogs, t } from "../../src/i18n/strings.js"

const placeholders = (s: string) => Array.from(s.matchAll(/\{(\w+)\}/g), (m) => m[1]).sort()

describe("widget i18n", () => {
  it("zh, en and es each have every sentence, non-empty, with the same placeholders", () => {
    const keys = Object.keys(catalogs.en).sort()
    for (const locale of ["zh", "es"] as const) {
      expect(Object.keys(catalogs[locale]).sort()).toEqual(keys)
      for (const key of keys as Array<keyof typeof catalogs.en>) {
        expect(catalogs[locale][key].trim()).not.toBe("")
        expect(placeholders(catalogs[locale][key])).toEqual(placeholders(catalogs.en[key]))
        if (!["send"].includes(key)) expect(catalogs[locale][key]).not.toBe(catalogs.en[key])
      }
    }
    expect(launcherLabels.zh).toBe(catalogs.zh.launcher)
    expect(launcherLabels.es).toBe(catalogs.es.launcher)
    expect(launcherLabels.en).toBe(catalogs.en.launcher)
    expect(t("es", "fewLeft", { n: 3 })).toBe("Solo quedan 3")
  })

  it("takes data-locale, else <html lang>, else the browser's languages, else English", () => {
    expect(resolveLocale("es-MX", "zh-CN", ["en"])).toBe("es")
    expect(resolveLocale(undefined, "zh-Hans-CN", ["es"])).toBe("zh")
    expect(resolveLocale("fr", "de", ["fr-FR", "es-419", "zh"])).toBe("es")
    expect(resolveLocale(null, "", [])).toBe("en")
  })
})
