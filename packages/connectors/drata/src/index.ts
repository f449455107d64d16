export type { DrataConfig } from "./config.ts";
export { DRATA_REGION_HOSTS, drataApiRoot, drataConfigSchema, RENEWAL_SCHEDULES } from "./config.ts";
export { drata, drata as default } from "./drata-connector.ts";
export { evidenceName } from "./evidence-text.ts";
