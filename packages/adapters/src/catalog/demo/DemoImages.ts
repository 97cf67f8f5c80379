import { categories, products, type DemoCategory } from "./DemoProducts.js"

const shapes: Readonly<Record<string, (fg: string) => string>> = {
  shoes: (fg) => `<path d="M14 58 L14 40 Q26 42 34 32 L46 44 Q62 50 82 52 Q88 54 86 62 L14 62 Z" fill="${fg}"/><rect x="12" y="62" width="76" height="6" rx="3" fill="#222"/>`,
  bags: (fg) => `<path d="M36 34 Q36 18 50 18 Q64 18 64 34" fill="none" stroke="${fg}" stroke-width="5"/><rect x="22" y="32" width="56" height="46" rx="8" fill="${fg}"/>`,
  watches: (fg) => `<rect x="40" y="8" width="20" height="84" rx="6" fill="${fg}"/><circle cx="50" cy="50" r="22" fill="#fff" stroke="${fg}" stroke-width="6"/><path d="M50 50 L50 36 M50 50 L60 54" stroke="#222" stroke-width="3"/>`,
  audio: (fg) => `<path d="M22 58 Q22 20 50 20 Q78 20 78 58" fill="none" stroke="${fg}" stroke-width="6"/><rect x="16" y="52" width="16" height="26" rx="6" fill="${fg}"/><rect x="68" y="52" width="16" height="26" rx="6" fill="${fg}"/>`,
  outerwear: (fg) => `<path d="M36 16 L50 24 L64 16 L84 30 L76 44 L70 40 L70 84 L30 84 L30 40 L24 44 L16 30 Z" fill="${fg}"/><path d="M50 24 L50 84" stroke="#fff" stroke-width="2"/>`,
  home: (fg) => `<rect x="26" y="28" width="40" height="50" rx="6" fill="${fg}"/><path d="M66 38 Q82 38 82 52 Q82 66 66 66" fill="none" stroke="${fg}" stroke-width="6"/>`
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c)

const draw = (category: DemoCategory, label: string) => {
  const [fg, bg] = category.colors
  const shape = shapes[category.id] ?? shapes.home!
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="200" height="200" role="img" aria-label="${escape(label)}">` +
    `<rect width="100" height="100" rx="12" fill="${bg}"/>${shape(fg)}</svg>`
}

const byId = new Map<string, string>(
  products.flatMap((p) => {
    const category = categories.find((c) => c.id === p.category)
    return category === undefined ? [] : [[p.id, draw(category, p.text.en[0])] as const]
  })
)

/** The drawn SVG image of a demo product, by product id (small, self-contained, no downloads). */
export const imageSvg = (productId: string): string | undefined => byId.get(productId)
