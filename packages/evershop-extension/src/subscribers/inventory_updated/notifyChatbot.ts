import { notify } from "../../lib/Notify.js"

/** On `inventory_updated`: the Chatbot-Node server drops its cached catalog answers. */
export default async (data: unknown) => notify("inventory_updated", data)
