import { resolve } from "node:path";
import {
  type PackageVerdict,
  readPublicKey,
  type SampleVerdict,
  verifyPackage,
  verifySample,
} from "@iddio-compliance/core";
import type { Command } from "../cli-io.ts";
import { parseFlags } from "../parse-flags.ts";
import { terminalLines } from "../terminal/sanitize.ts";
import { UsageError } from "../usage-error.ts";

export const VERIFY_PACKAGE_HELP = `Usage: iddio-compliance verify-package DIR [--key PUB.pem] [--sample FILE] [--json]

Checks an evidence package on its own, without the audit log:
  - every file the manifest in summary.json lists is there with its size and SHA-256, and
    nothing else is;
  - the summary says what the files say: each criterion's status, strength, reasons and
    headline figures equal its criterion file's (JSON packages);
  - with --key, summary.json.sig is a valid Ed25519 signature of summary.json by that key;
  - with --sample, every item of a sample drawn by 'draw' proves into the package's Merkle
    root, is the package's row, and the sample is the one its seed gives.

Options:
  --key PUB.pem      the exporter's public key (from keygen)
  --sample FILE      a sample file written by 'iddio-compliance draw'
  --json             print the verdict as JSON
  -h, --help         show this help

Exit codes: 0 intact (and signed, and the sample holds); 1 a problem was found; 2 usage error
or no summary.json.
`;

/** `iddio-compliance verify-package`. */
export const verifyPackageCommand: Command = async (argv, io) => {
  const { values, positionals } = parseFlags(
    argv,
    { json: { type: "boolean", default: false }, key: { type: "string" }, sample: { type: "string" } },
    true,
  );
  if (values.help) {
    io.stdout.write(VERIFY_PACKAGE_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("verify-package takes exactly one package folder");
  const dir = resolve(io.cwd, positionals[0] as string);
  const publicKey = values.key ? readPublicKey(resolve(io.cwd, values.key), "--key") : undefined;
  const verdict = await verifyPackage(dir, publicKey ? { publicKey } : {});
  const sample = values.sample ? verifySample(dir, resolve(io.cwd, values.sample)) : null;
  const ok = verdict.ok && (sample?.ok ?? true);
  if (values.json) {
    const { summary: _, ...rest } = verdict;
    io.stdout.write(`${JSON.stringify({ ...rest, ok, ...(sample ? { sample } : {}) }, null, 2)}\n`);
  } else io.stdout.write(terminalLines(report(verdict, sample)));
  return ok ? 0 : 1;
};

function report(verdict: PackageVerdict, sample: SampleVerdict | null): string[] {
  const lines: string[] = [];
  if (verdict.ok) lines.push(`intact: ${verdict.files} files match the manifest in summary.json`);
  else {
    lines.push(`NOT INTACT: ${verdict.problems.length} problem(s)`);
    for (const p of verdict.problems) {
      if (p.problem === "meaning_mismatch")
        lines.push(
          `  summary.json ${p.field}: ${p.actual ?? "absent"}, but ${p.source} says ${p.expected ?? "nothing"}`,
        );
      else
        lines.push(
          `  ${p.file}${p.field ? ` ${p.field}` : ""}: ${p.problem.replaceAll("_", " ")}${p.expected || p.actual ? ` (expected ${p.expected ?? "nothing"}, found ${p.actual ?? "nothing"})` : ""}`,
        );
    }
  }
  lines.push(
    verdict.meaning === "checked"
      ? "meaning: the summary's statuses, reasons and figures were compared with the criterion files"
      : "meaning: not checked (a CSV package: its criterion files hold rows, not statuses)",
  );
  const key = verdict.signature.keyId;
  const signature = {
    valid: `signature: valid, by key ${key}`,
    invalid: `signature: INVALID (summary.json names key ${key ?? "none"})`,
    not_checked: `signature: present, by key ${key}, NOT CHECKED: pass --key with the exporter's public key`,
    absent: "signature: none (the package is not signed)",
  }[verdict.signature.status];
  lines.push(signature);
  if (sample) {
    lines.push(
      sample.ok
        ? `sample: ${sample.items} item(s) of ${sample.population} hold: each proves into the Merkle root, and the seed gives exactly these`
        : `SAMPLE FAILS: ${sample.problems.length} problem(s)`,
    );
    for (const p of sample.problems) lines.push(`  ${p.message}`);
    if (!sample.ranksChecked)
      lines.push(
        `  note: the package only counts ${sample.population}; each item's rank among them needs the log (draw again)`,
      );
  }
  return lines;
}
