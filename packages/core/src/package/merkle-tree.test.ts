import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { refLeaf, refNode, refPath, refRoot } from "../test-support/merkle-reference.ts";
import { bytesToWords, leafHashWords, nodeHashWords, wordsToBytes } from "./merkle-hash.ts";
import { eventLeafHash, InclusionProofs, MerkleBuilder, verifyInclusion } from "./merkle-tree.ts";

/** A small seeded PRNG (mulberry32), so every property run is reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Certificate Transparency's test vectors (RFC 6962 reference data, as in Trillian's and the
// C++ log's merkle tests): the eight leaf inputs, the roots of the first 1..8 leaves, and proofs.
const CT_LEAVES = [
  "",
  "00",
  "10",
  "2021",
  "3031",
  "40414243",
  "5051525354555657",
  "606162636465666768696a6b6c6d6e6f",
].map((h) => Buffer.from(h, "hex"));
const CT_ROOTS = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const CT_PROOFS: { index: number; size: number; path: string[] }[] = [
  {
    index: 0,
    size: 8,
    path: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  { index: 2, size: 3, path: ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
  {
    index: 1,
    size: 5,
    path: [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
];

/** Proofs for every leaf of `leaves` (leaf hashes), collected in one streaming pass. */
function collectAll(leaves: Buffer[], watch: (i: number) => boolean = () => true) {
  const proofs = new InclusionProofs(leaves.length);
  leaves.forEach((leaf, i) => {
    if (watch(i)) proofs.watch(i);
    proofs.builder.appendLeafHash(leaf);
  });
  return proofs.proofs();
}

describe("RFC 6962 Merkle tree", () => {
  it("gives Certificate Transparency's roots for the first 1 to 8 test leaves", () => {
    for (let n = 1; n <= 8; n++) {
      const builder = new MerkleBuilder();
      for (const leaf of CT_LEAVES.slice(0, n)) builder.appendLeafHash(refLeaf(leaf));
      expect(builder.root().toString("hex"), `size ${n}`).toBe(CT_ROOTS[n - 1]);
    }
  });

  it("hashes the empty tree to SHA-256 of nothing", () => {
    expect(new MerkleBuilder().root().toString("hex")).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("produces Certificate Transparency's inclusion proofs, and they verify", () => {
    const leaves = CT_LEAVES.map(refLeaf);
    for (const { index, size, path } of CT_PROOFS) {
      const got = collectAll(leaves.slice(0, size), (i) => i === index).get(index);
      expect(got, `leaf ${index} of ${size}`).toEqual(path);
      const leaf = (leaves[index] as Buffer).toString("hex");
      expect(verifyInclusion(leaf, index, size, path, CT_ROOTS[size - 1] as string)).toBe(true);
    }
  });

  it("agrees with the recursive definition on every root and every proof of trees up to 70 leaves", () => {
    const leaves = Array.from({ length: 70 }, (_, i) => refLeaf(Buffer.from([i, i * 7])));
    for (let n = 1; n <= 70; n++) {
      const tree = leaves.slice(0, n);
      const proofs = collectAll(tree);
      const root = refRoot(tree).toString("hex");
      for (let m = 0; m < n; m++) {
        const want = refPath(m, tree).map((b) => b.toString("hex"));
        expect(proofs.get(m), `leaf ${m} of ${n}`).toEqual(want);
        expect(verifyInclusion((tree[m] as Buffer).toString("hex"), m, n, want, root)).toBe(true);
      }
    }
  });

  it("agrees with the recursive definition for random sizes and random watched leaves (50 seeds)", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const random = prng(seed);
      const n = 1 + Math.floor(random() * 1200);
      const tree = Array.from({ length: n }, () => refLeaf(randomBytes(32)));
      const chosen = new Set(Array.from({ length: 5 }, () => Math.floor(random() * n)));
      const proofs = collectAll(tree, (i) => chosen.has(i));
      const root = refRoot(tree).toString("hex");
      const builder = new MerkleBuilder();
      for (const leaf of tree) builder.appendLeafHash(leaf);
      expect(builder.root().toString("hex"), `seed ${seed}`).toBe(root);
      for (const m of chosen) {
        expect(proofs.get(m), `seed ${seed} leaf ${m} of ${n}`).toEqual(
          refPath(m, tree).map((b) => b.toString("hex")),
        );
      }
    }
  });

  it("rejects a proof for another index, another size, another leaf, another root or an edited node", () => {
    const leaves = Array.from({ length: 13 }, (_, i) => refLeaf(Buffer.from([i])));
    const root = refRoot(leaves).toString("hex");
    const proofs = collectAll(leaves);
    for (let m = 0; m < 13; m++) {
      const path = proofs.get(m) as string[];
      const leaf = (leaves[m] as Buffer).toString("hex");
      expect(verifyInclusion(leaf, m, 13, path, root)).toBe(true);
      if (m > 0) expect(verifyInclusion(leaf, m - 1, 13, path, root)).toBe(false);
      expect(verifyInclusion(leaf, m + 1, 13, path, root)).toBe(false);
      expect(verifyInclusion(leaf, m, 26, path, root)).toBe(false);
      expect(verifyInclusion(leaf, m, 6, path, root)).toBe(false);
      expect(verifyInclusion((leaves[(m + 1) % 13] as Buffer).toString("hex"), m, 13, path, root)).toBe(
        false,
      );
      expect(verifyInclusion(leaf, m, 13, path, CT_ROOTS[0] as string)).toBe(false);
      for (let k = 0; k < path.length; k++) {
        const edited = path.map((p, i) => (i === k ? CT_ROOTS[0] : p)) as string[];
        expect(verifyInclusion(leaf, m, 13, edited, root)).toBe(false);
      }
      expect(verifyInclusion(leaf, m, 13, [...path, root], root)).toBe(false);
      expect(verifyInclusion(leaf, m, 13, path.slice(0, -1), root)).toBe(false);
    }
  });

  it("makes the leaf of an event from the 32 bytes its hash spells, in either letter case", () => {
    const bytes = randomBytes(32);
    const want = refLeaf(bytes).toString("hex");
    expect(eventLeafHash(bytes.toString("hex")).toString("hex")).toBe(want);
    expect(eventLeafHash(bytes.toString("hex").toUpperCase()).toString("hex")).toBe(want);
    const stored = Buffer.from(`{"hash":"${bytes.toString("hex")}"}`);
    const builder = new MerkleBuilder();
    builder.appendEventHashAt(stored, 9);
    expect(builder.root().toString("hex")).toBe(want);
  });

  it("makes the leaf of a hash that is not 64 hex digits from its UTF-8 bytes", () => {
    const odd = "zz".repeat(32);
    expect(eventLeafHash(odd).toString("hex")).toBe(refLeaf(Buffer.from(odd)).toString("hex"));
    const builder = new MerkleBuilder();
    builder.appendEventHashAt(Buffer.from(`{"hash":"${odd}"}`), 9);
    expect(builder.root().toString("hex")).toBe(refLeaf(Buffer.from(odd)).toString("hex"));
  });

  it("hashes leaves and nodes exactly as node:crypto does, on random inputs", () => {
    const out = new Int32Array(8);
    for (let i = 0; i < 500; i++) {
      const a = randomBytes(32);
      const b = randomBytes(32);
      leafHashWords(bytesToWords(a), 0, out, 0);
      expect(wordsToBytes(out).toString("hex")).toBe(refLeaf(a).toString("hex"));
      nodeHashWords(bytesToWords(a), 0, bytesToWords(b), 0, out, 0);
      expect(wordsToBytes(out).toString("hex")).toBe(refNode(a, b).toString("hex"));
    }
  });
});
