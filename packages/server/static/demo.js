// The demo storefront's language switch: the page's texts, <html lang>, and the chat widget's locale.
;(function () {
  var texts = {
    en: { shop: "Demo shop", about: "About Chatbot-Node", crumbs: "Shoes › Running", name: "Trail running shoes", stock: "In stock: 24", description: "Grippy, light trail runners with a cushioned sole.", buy: "Add to cart", ask: "Ask about this product", related: "You may also like", r1: "Road running shoes", r2: "City backpack", r3: "Fitness smartwatch", r4: "Packable raincoat", footer: "A demo storefront over the sample catalog. Products, prices and the assistant's answers are examples.", title: "Trail running shoes · Demo shop" },
    zh: { shop: "演示商店", about: "关于 Chatbot-Node", crumbs: "鞋类 › 跑步", name: "越野跑鞋", stock: "有货：24 件", description: "抓地力强、轻便的越野跑鞋，鞋底缓震。", buy: "加入购物车", ask: "咨询这件商品", related: "猜你喜欢", r1: "公路跑鞋", r2: "城市双肩包", r3: "运动智能手表", r4: "便携雨衣", footer: "基于示例商品目录的演示商店。商品、价格和助手的回答均为示例。", title: "越野跑鞋 · 演示商店" },
    es: { shop: "Tienda de demostración", about: "Acerca de Chatbot-Node", crumbs: "Calzado › Running", name: "Zapatillas de trail", stock: "Disponibles: 24", description: "Zapatillas ligeras con buen agarre y suela amortiguada.", buy: "Añadir al carrito", ask: "Preguntar por este producto", related: "También te puede gustar", r1: "Zapatillas de running", r2: "Mochila urbana", r3: "Reloj inteligente deportivo", r4: "Impermeable plegable", footer: "Una tienda de demostración con el catálogo de ejemplo. Los productos, precios y respuestas del asistente son ejemplos.", title: "Zapatillas de trail · Tienda de demostración" }
  }
  function apply(lang) {
    var t = texts[lang] || texts.en
    document.documentElement.lang = lang
    document.title = t.title
    document.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t[el.getAttribute("data-i18n")] })
    document.querySelectorAll("[data-i18n-alt]").forEach(function (el) { el.setAttribute("alt", t[el.getAttribute("data-i18n-alt")]) })
    document.querySelectorAll("[data-lang]").forEach(function (el) { el.setAttribute("aria-pressed", String(el.getAttribute("data-lang") === lang)) })
    if (window.ChatbotNode) window.ChatbotNode.setLocale(lang)
  }
  var param = new URLSearchParams(location.search).get("lang")
  var initial = param && texts[param] ? param : (navigator.language || "en").slice(0, 2)
  apply(texts[initial] ? initial : "en")
  document.querySelectorAll("[data-lang]").forEach(function (el) {
    el.addEventListener("click", function () { apply(el.getAttribute("data-lang")) })
  })
  document.getElementById("ask").addEventListener("click", function () { if (window.ChatbotNode) window.ChatbotNode.open() })
})()
