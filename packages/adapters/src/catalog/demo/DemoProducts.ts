import type { Locale } from "@chatbot-node/domain"

/** A demo category: its name and the words a visitor may use for it, per locale. */
export interface DemoCategory {
  readonly id: string
  readonly names: Readonly<Record<Locale.Locale, string>>
  readonly words: Readonly<Record<Locale.Locale, ReadonlyArray<string>>>
  /** Colours of the drawn product image. */
  readonly colors: readonly [string, string]
}

/** One demo product, before it is turned into localized `Product`s. */
export interface DemoProduct {
  readonly id: string
  readonly category: string
  readonly price: number
  readonly stock: number
  readonly text: Readonly<Record<Locale.Locale, readonly [name: string, description: string]>>
}

export const categories: ReadonlyArray<DemoCategory> = [
  {
    id: "shoes",
    names: { en: "Shoes", zh: "鞋", es: "Calzado" },
    words: { en: ["shoe", "shoes", "sneaker", "sneakers", "boot", "boots", "sandal", "sandals", "running"], zh: ["鞋", "运动鞋", "跑鞋", "靴", "凉鞋"], es: ["zapato", "zapatos", "zapatilla", "zapatillas", "bota", "botas", "sandalia", "sandalias", "calzado"] },
    colors: ["#2f6fdf", "#cfe0ff"]
  },
  {
    id: "bags",
    names: { en: "Bags", zh: "包", es: "Bolsos" },
    words: { en: ["bag", "bags", "backpack", "backpacks", "tote", "wallet", "wallets"], zh: ["包", "背包", "双肩包", "手提包", "钱包"], es: ["bolso", "bolsos", "mochila", "mochilas", "cartera", "carteras", "bolsa"] },
    colors: ["#a0522d", "#f3dcc8"]
  },
  {
    id: "watches",
    names: { en: "Watches", zh: "手表", es: "Relojes" },
    words: { en: ["watch", "watches", "smartwatch"], zh: ["手表", "表", "智能手表"], es: ["reloj", "relojes"] },
    colors: ["#333a44", "#d9dde3"]
  },
  {
    id: "audio",
    names: { en: "Audio", zh: "音频", es: "Audio" },
    words: { en: ["headphone", "headphones", "earbuds", "earphones", "speaker", "speakers", "audio"], zh: ["耳机", "音箱", "蓝牙耳机", "音响"], es: ["auriculares", "audífonos", "audifonos", "altavoz", "altavoces", "parlante"] },
    colors: ["#7b3fbf", "#eadcff"]
  },
  {
    id: "outerwear",
    names: { en: "Jackets", zh: "外套", es: "Chaquetas" },
    words: { en: ["jacket", "jackets", "coat", "coats", "raincoat", "hoodie", "hoodies"], zh: ["外套", "夹克", "大衣", "雨衣", "卫衣", "羽绒服"], es: ["chaqueta", "chaquetas", "abrigo", "abrigos", "impermeable", "sudadera", "sudaderas"] },
    colors: ["#2e7d4f", "#d4f0de"]
  },
  {
    id: "home",
    names: { en: "Home", zh: "家居", es: "Hogar" },
    words: { en: ["mug", "mugs", "lamp", "lamps", "bottle", "bottles", "kettle", "home", "cup"], zh: ["杯", "杯子", "马克杯", "灯", "台灯", "水壶", "保温杯", "家居"], es: ["taza", "tazas", "lámpara", "lampara", "botella", "botellas", "hervidor", "hogar"] },
    colors: ["#d9822b", "#fde8d0"]
  }
]

export const products: ReadonlyArray<DemoProduct> = [
  { id: "shoe-trail", category: "shoes", price: 89, stock: 24, text: { en: ["Trail running shoes", "Grippy, light trail runners with a cushioned sole."], zh: ["越野跑鞋", "抓地力强、轻便的越野跑鞋，鞋底缓震。"], es: ["Zapatillas de trail", "Zapatillas ligeras con buen agarre y suela amortiguada."] } },
  { id: "shoe-boot", category: "shoes", price: 149, stock: 8, text: { en: ["Leather ankle boots", "Waterproof full-grain leather boots for every season."], zh: ["真皮短靴", "防水头层牛皮短靴，四季可穿。"], es: ["Botines de cuero", "Botines impermeables de piel plena para todo el año."] } },
  { id: "shoe-canvas", category: "shoes", price: 39, stock: 0, text: { en: ["Canvas sneakers", "Classic low-top canvas sneakers in off-white."], zh: ["帆布鞋", "经典米白色低帮帆布鞋。"], es: ["Zapatillas de lona", "Zapatillas clásicas de lona en blanco roto."] } },
  { id: "shoe-sandal", category: "shoes", price: 45, stock: 31, text: { en: ["Summer sandals", "Soft-strap sandals with a cork footbed."], zh: ["夏季凉鞋", "软带凉鞋，软木鞋垫。"], es: ["Sandalias de verano", "Sandalias de tiras suaves con plantilla de corcho."] } },
  { id: "shoe-run", category: "shoes", price: 119, stock: 15, text: { en: ["Road running shoes", "Responsive foam for daily training on the road."], zh: ["公路跑鞋", "回弹泡棉中底，适合日常路跑训练。"], es: ["Zapatillas de running", "Espuma reactiva para entrenar a diario en asfalto."] } },
  { id: "bag-backpack", category: "bags", price: 69, stock: 40, text: { en: ["City backpack", "A 20 L backpack with a padded laptop sleeve."], zh: ["城市双肩包", "20 升双肩包，带笔记本电脑保护层。"], es: ["Mochila urbana", "Mochila de 20 L con funda acolchada para portátil."] } },
  { id: "bag-tote", category: "bags", price: 35, stock: 52, text: { en: ["Organic cotton tote bag", "A sturdy everyday tote made of organic cotton."], zh: ["有机棉托特包", "结实耐用的日常有机棉托特包。"], es: ["Bolsa tote de algodón", "Bolsa resistente de algodón orgánico para el día a día."] } },
  { id: "bag-wallet", category: "bags", price: 29, stock: 0, text: { en: ["Slim leather wallet", "A slim wallet for six cards and a few notes."], zh: ["超薄真皮钱包", "轻薄钱包，可放六张卡和少量纸币。"], es: ["Cartera fina de piel", "Cartera fina para seis tarjetas y algunos billetes."] } },
  { id: "bag-duffel", category: "bags", price: 99, stock: 6, text: { en: ["Weekend duffel bag", "A roomy travel bag with a shoe compartment."], zh: ["周末旅行包", "大容量旅行包，带独立鞋仓。"], es: ["Bolso de viaje", "Bolso amplio de fin de semana con compartimento para zapatos."] } },
  { id: "watch-classic", category: "watches", price: 129, stock: 12, text: { en: ["Classic steel watch", "A 38 mm steel watch with a sapphire glass."], zh: ["经典钢表", "38 毫米精钢手表，蓝宝石玻璃镜面。"], es: ["Reloj clásico de acero", "Reloj de acero de 38 mm con cristal de zafiro."] } },
  { id: "watch-smart", category: "watches", price: 199, stock: 20, text: { en: ["Fitness smartwatch", "Heart rate, GPS and a 7-day battery."], zh: ["运动智能手表", "心率监测、GPS，续航 7 天。"], es: ["Reloj inteligente deportivo", "Pulso, GPS y batería para 7 días."] } },
  { id: "watch-kids", category: "watches", price: 25, stock: 44, text: { en: ["Kids' watch", "A colourful, easy-to-read watch for children."], zh: ["儿童手表", "色彩鲜艳、易读的儿童手表。"], es: ["Reloj infantil", "Un reloj colorido y fácil de leer para niños."] } },
  { id: "audio-anc", category: "audio", price: 179, stock: 9, text: { en: ["Noise-cancelling headphones", "Over-ear headphones with 30 hours of battery."], zh: ["降噪耳机", "头戴式降噪耳机，续航 30 小时。"], es: ["Auriculares con cancelación de ruido", "Auriculares de diadema con 30 horas de batería."] } },
  { id: "audio-buds", category: "audio", price: 59, stock: 70, text: { en: ["Wireless earbuds", "True wireless earbuds with a pocket charging case."], zh: ["蓝牙耳机", "真无线蓝牙耳机，附便携充电盒。"], es: ["Auriculares inalámbricos", "Auriculares true wireless con estuche de carga de bolsillo."] } },
  { id: "audio-speaker", category: "audio", price: 79, stock: 0, text: { en: ["Portable speaker", "A waterproof Bluetooth speaker for outdoors."], zh: ["便携音箱", "防水蓝牙音箱，适合户外使用。"], es: ["Altavoz portátil", "Altavoz Bluetooth resistente al agua para exteriores."] } },
  { id: "audio-radio", category: "audio", price: 49, stock: 13, text: { en: ["Retro radio speaker", "An FM radio and Bluetooth speaker in walnut."], zh: ["复古收音机音箱", "胡桃木外壳的 FM 收音机兼蓝牙音箱。"], es: ["Radio altavoz retro", "Radio FM y altavoz Bluetooth en nogal."] } },
  { id: "coat-rain", category: "outerwear", price: 110, stock: 18, text: { en: ["Packable raincoat", "A light waterproof raincoat that folds into its pocket."], zh: ["便携雨衣", "轻薄防水雨衣，可收纳进自身口袋。"], es: ["Impermeable plegable", "Impermeable ligero que se guarda en su propio bolsillo."] } },
  { id: "coat-down", category: "outerwear", price: 189, stock: 5, text: { en: ["Down jacket", "A warm down jacket rated to minus 15 °C."], zh: ["羽绒服", "保暖羽绒服，可抵御零下 15 °C。"], es: ["Chaqueta de plumas", "Chaqueta de plumas abrigada hasta 15 °C bajo cero."] } },
  { id: "coat-hoodie", category: "outerwear", price: 55, stock: 60, text: { en: ["Fleece hoodie", "A soft fleece hoodie with a zip."], zh: ["抓绒卫衣", "柔软的拉链抓绒卫衣。"], es: ["Sudadera polar", "Sudadera polar suave con cremallera."] } },
  { id: "coat-denim", category: "outerwear", price: 75, stock: 0, text: { en: ["Denim jacket", "A classic indigo denim jacket."], zh: ["牛仔夹克", "经典靛蓝牛仔夹克。"], es: ["Chaqueta vaquera", "Chaqueta vaquera clásica en índigo."] } },
  { id: "home-mug", category: "home", price: 15, stock: 120, text: { en: ["Stoneware mug", "A 350 ml glazed stoneware mug."], zh: ["陶瓷马克杯", "350 毫升釉面陶瓷马克杯。"], es: ["Taza de gres", "Taza de gres esmaltado de 350 ml."] } },
  { id: "home-lamp", category: "home", price: 65, stock: 14, text: { en: ["Desk lamp", "A dimmable LED desk lamp."], zh: ["LED 台灯", "可调光 LED 台灯。"], es: ["Lámpara de escritorio", "Lámpara LED de escritorio regulable."] } },
  { id: "home-bottle", category: "home", price: 28, stock: 85, text: { en: ["Insulated bottle", "Keeps drinks cold for 24 hours or hot for 12."], zh: ["保温杯", "保冷 24 小时，保温 12 小时。"], es: ["Botella térmica", "Mantiene bebidas frías 24 horas o calientes 12."] } },
  { id: "home-kettle", category: "home", price: 49, stock: 0, text: { en: ["Electric kettle", "A 1.7 L kettle with temperature control."], zh: ["电热水壶", "1.7 升控温电热水壶。"], es: ["Hervidor eléctrico", "Hervidor de 1,7 L con control de temperatura."] } }
]
