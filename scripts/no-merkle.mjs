// Benchmark harness only (`pnpm bench`): loaded with --import before the built CLI, it turns the
// period's Merkle tree into no-ops so the bench can time the export without it, on the same
// build. The package it writes then holds a wrong root; it is thrown away.
import { MerkleBuilder } from "../packages/core/dist/package/merkle-tree.js";

MerkleBuilder.prototype.appendEventHashAt = () => {};
MerkleBuilder.prototype.appendEventHash = () => {};
