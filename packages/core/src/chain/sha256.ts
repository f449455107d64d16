import { createHash } from "node:crypto";

/**
 * SHA-256 (lowercase hex) of `a` followed by `b`: the stored line with the hash value cut out.
 * node:crypto runs OpenSSL's SHA-256 (SHA-NI where the CPU has it); `pnpm bench` measures it
 * against @noble/hashes, which is several times slower on these short inputs.
 */
export function sha256HexOfParts(a: Uint8Array, b: Uint8Array): string {
  return createHash("sha256").update(a).update(b).digest("hex");
}
