export type { VantaConfig } from "./config.ts";
export { vantaConfigSchema } from "./config.ts";
export { clearVantaTokenCache } from "./token-cache.ts";
export { uploadDescription } from "./vanta-api.ts";
export { vanta, vanta as default } from "./vanta-connector.ts";
