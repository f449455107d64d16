import { describe, expect, it } from "vitest";
import { scriptSafeJson } from "./script-safe-json.ts";

const PIECES = [
  "</script>",
  "</SCRIPT ",
  "<!--",
  "-->",
  "<",
  ">",
  "&",
  "\u2028",
  "\u2029",
  '"',
  "\\",
  "a",
  "é",
  "😀",
  "\n",
  "\u0000",
  " ",
];

/** A deterministic generator (mulberry32) so every case can be replayed from its seed. */
function random(seed: number): () => number {
  let t = seed;
  return () => {
    t = (t + 0x6d2b79f5) | 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function hostileString(next: () => number): string {
  let out = "";
  const n = Math.floor(next() * 12);
  for (let i = 0; i < n; i++) out += PIECES[Math.floor(next() * PIECES.length)];
  return out;
}

describe("scriptSafeJson", () => {
  it("parses back to the same value and holds no character that could end or comment out a script, over 2,000 seeds", () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const next = random(seed);
      const value = { [hostileString(next)]: [hostileString(next), { agent: hostileString(next) }], n: seed };
      const safe = scriptSafeJson(JSON.stringify(value));
      expect(safe, `seed ${seed}`).not.toMatch(/[<>&\u2028\u2029]/);
      expect(JSON.parse(safe), `seed ${seed}`).toEqual(value);
    }
  });
});
