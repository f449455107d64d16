// `pnpm check:packages`: packs every publishable package exactly as `pnpm publish` would upload it
// and lints each tarball with publint and @arethetypeswrong/cli (attw). Run after `pnpm build`.
//
// attw runs with the `.attw.json` of the repository root: profile `node16` and the rule
// `cjs-resolves-to-esm` off. Our packages are ESM-only and declare `engines.node >= 20.19`:
// - the `node10` resolution (TypeScript's old `moduleResolution: "node"`) ignores `exports`, so
//   it can never see a subpath such as `@iddio-compliance/connector-sdk/testing`; TypeScript
//   deprecated it and TypeScript 7 removed it, so the profile skips it;
// - `require()` of an ES module works in every Node the packages support (20.19 and later), so a
//   CommonJS consumer resolving to our ESM build is not a problem; every other attw rule
//   (types that do not resolve, types that lie about the module format, missing named exports…)
//   still applies to CommonJS consumers as well as to ESM and bundler ones.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lintTarball, packWorkspace } from "./pack-support.ts";

const dest = mkdtempSync(join(tmpdir(), "iddio-check-packages-"));
try {
  const packed = packWorkspace(dest);
  let failed = 0;
  for (const pkg of packed) {
    const problems = lintTarball(pkg);
    failed += problems.length > 0 ? 1 : 0;
    console.log(`${problems.length === 0 ? "ok  " : "FAIL"} ${pkg.name}@${pkg.version}`);
    for (const problem of problems) console.log(`     ${problem.replaceAll("\n", "\n     ")}`);
  }
  console.log(`check:packages: ${packed.length - failed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  rmSync(dest, { recursive: true, force: true });
}
