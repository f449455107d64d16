export type { VantaConfig } from "./config.ts";
/** @public A connector package's default export is its definition: what `type: "@scope/name"` loads. */
export { vanta, vanta as default } from "./vanta-connector.ts";
