import { resolve } from "node:path";
import { verifyPackage } from "@iddio-compliance/core";
import type { Command } from "../cli-io.ts";
import { parseFlags } from "../parse-flags.ts";
import { terminalLines } from "../terminal/sanitize.ts";
import { UsageError } from "../usage-error.ts";

export const VERIFY_PACKAGE_HELP = `Usage: iddio-compliance verify-package DIR [--json]

Checks an evidence package against the manifest in its summary.json: every file present with
the listed size and SHA-256, and nothing else in the folder.

Exit codes: 0 intact; 1 a file is missing, changed or unlisted; 2 usage error or no summary.json.
`;

/** `iddio-compliance verify-package`. */
export const verifyPackageCommand: Command = async (argv, io) => {
  const { values, positionals } = parseFlags(argv, { json: { type: "boolean", default: false } }, true);
  if (values.help) {
    io.stdout.write(VERIFY_PACKAGE_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("verify-package takes exactly one package folder");
  const verdict = await verifyPackage(resolve(io.cwd, positionals[0] as string));
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify({ ok: verdict.ok, files: verdict.files, problems: verdict.problems }, null, 2)}\n`,
    );
  } else if (verdict.ok) {
    io.stdout.write(`intact: ${verdict.files} files match the manifest in summary.json\n`);
  } else {
    const lines = verdict.problems.map(
      (p) =>
        `  ${p.file}: ${p.problem.replaceAll("_", " ")}${p.expected ? ` (expected ${p.expected}, found ${p.actual ?? "nothing"})` : ""}`,
    );
    io.stdout.write(terminalLines([`NOT INTACT: ${verdict.problems.length} problem(s)`, ...lines]));
  }
  return verdict.ok ? 0 : 1;
};
