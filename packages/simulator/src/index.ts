export type { GenerateResult } from "./generate-home.ts";
export { generateHome } from "./generate-home.ts";
export type { GenerateOptions } from "./options.ts";
export type { Seed } from "./random.ts";
export { SAMPLE_OPTIONS } from "./sample-options.ts";
export type { TamperFinding, TamperKind, TamperOptions, TamperResult } from "./tamper.ts";
export { tamperContent, tamperLog } from "./tamper.ts";
export type { HashMode } from "./writer.ts";
