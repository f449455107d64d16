export type { DrataConfig } from "./config.ts";
/** @public A connector package's default export is its definition: what `type: "@scope/name"` loads. */
export { drata, drata as default } from "./drata-connector.ts";
