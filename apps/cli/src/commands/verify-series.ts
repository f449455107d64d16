import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readPublicKey, verifySeries } from "@iddio-compliance/core";
import type { Command } from "../cli-io.ts";
import { parseFlags } from "../parse-flags.ts";
import { sanitizeTerminal } from "../terminal/sanitize.ts";
import { UsageError } from "../usage-error.ts";

export const VERIFY_SERIES_HELP = `Usage: iddio-compliance verify-series DIR... [--key PUB.pem] [--json]

Checks evidence packages as one series (a year of monthly packages, say), with the packages
alone: each package intact (as verify-package) and signed by the key; the periods contiguous,
with no gap, overlap or duplicate; each package's 'previous' link naming the package before it
by period and by the SHA-256 of its summary.json; and each package's events continuing the
audit log's chain exactly where its predecessor's end. Folders may be given in any order; a
folder (or file:// URL) that holds packages rather than being one, such as the plugin's
file storage, stands for all of them. Packages in S3: copy them out first (aws s3 sync).

Options:
  --key PUB.pem      the exporter's public key: every package must be signed by it (without
                     it, signatures are not checked, only that one key id signs them all)
  --json             print the verdict as JSON
  -h, --help         show this help

Exit codes: 0 the series holds; 1 a problem was found; 2 usage error.
`;

/** `iddio-compliance verify-series`. */
export const verifySeriesCommand: Command = async (argv, io) => {
  const { values, positionals } = parseFlags(
    argv,
    { json: { type: "boolean", default: false }, key: { type: "string" } },
    true,
  );
  if (values.help) {
    io.stdout.write(VERIFY_SERIES_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("verify-series takes one or more package folders");
  const publicKey = values.key ? readPublicKey(resolve(io.cwd, values.key), "--key") : undefined;
  const verdict = await verifySeries(
    positionals.flatMap((p) => packageFolders(p, io.cwd)),
    publicKey ? { publicKey } : {},
  );
  if (values.json) {
    const packages = verdict.packages.map((p) => ({
      dir: p.dir,
      period: p.period,
      summary_sha256: p.summarySha256,
      ok: p.verdict?.ok ?? false,
    }));
    io.stdout.write(`${JSON.stringify({ ...verdict, packages }, null, 2)}\n`);
    return verdict.ok ? 0 : 1;
  }
  const lines = [
    verdict.ok
      ? `series holds: ${verdict.packages.length} package(s), ${verdict.packages[0]?.period ?? ""} to ${verdict.packages.at(-1)?.period ?? ""}, contiguous and linked`
      : `SERIES BROKEN: ${verdict.problems.length} problem(s)`,
    ...verdict.problems.map((p) => `  ${p.kind}: ${p.message}`),
    verdict.signatures === "checked"
      ? "signatures: every package signed by the given key"
      : `signatures: NOT CHECKED (pass --key)${verdict.keyId ? `; every package names key ${verdict.keyId}` : ""}`,
  ];
  io.stdout.write(sanitizeTerminal(`${lines.join("\n")}\n`));
  return verdict.ok ? 0 : 1;
};

/** A package folder, or each package folder inside a folder (or `file://` URL) that holds packages. */
function packageFolders(arg: string, cwd: string): string[] {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg) && !arg.startsWith("file://"))
    throw new UsageError(
      `${arg}: verify-series reads packages from folders; copy them out of that storage first`,
    );
  const dir = arg.startsWith("file://") ? fileURLToPath(arg) : resolve(cwd, arg);
  if (existsSync(join(dir, "summary.json")) || !existsSync(dir)) return [dir];
  const inside = readdirSync(dir, { withFileTypes: true })
    .filter(
      (e) => e.isDirectory() && !e.name.startsWith(".") && existsSync(join(dir, e.name, "summary.json")),
    )
    .map((e) => join(dir, e.name))
    .sort();
  return inside.length > 0 ? inside : [dir];
}
