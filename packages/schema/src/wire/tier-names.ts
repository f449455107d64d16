/** iddio's names of the risk tiers 0-4. */
export const TIER_NAMES = ["OBSERVE", "OPERATE", "MODIFY", "SENSITIVE", "BREAK-GLASS"] as const;
