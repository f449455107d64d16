import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { command, writeChain } from "../../../core/src/test-support/write-chain.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
export const SAMPLE_HOME = join(REPO_ROOT, "examples/iddio-home");
const DEV_ENTRY = join(REPO_ROOT, "apps/cli/src/dev-entry.ts");

/** Runs the CLI from source in a child process (the production path of every command). */
function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ["--conditions=dev-source", "--import", "tsx", DEV_ENTRY, ...args],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 300_000,
    },
  );
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** Exports `home` over a period with the CLI; throws with its output when it fails. */
export function exportPackage(
  home: string,
  output: string,
  from = "2026-01-01",
  to = "2026-03-31",
  extra: string[] = [],
) {
  const run = cli(["export", "--source", home, "--from", from, "--to", to, "--output", output, ...extra]);
  if (run.code !== 0 && run.code !== 1) throw new Error(`export failed (${run.code}): ${run.stderr}`);
  return output;
}

/** The JSON documents of a package, by file stem, as the report embeds them. */
export function packageData(dir: string): { summary: Record<string, any>; documents: Record<string, any> } {
  const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
  const documents: Record<string, unknown> = {};
  for (const entry of summary.manifest as { file: string }[])
    if (entry.file.endsWith(".json"))
      documents[entry.file.replace(/\.json$/, "")] = JSON.parse(readFileSync(join(dir, entry.file), "utf8"));
  return { summary, documents };
}

/** The package's report.html, as the export wrote it. */
export function reportOf(dir: string): string {
  return join(dir, "report.html");
}

/** Strings an attacker controls in the log, each able to break out of a careless page. */
export const HOSTILE = {
  img: "<img src=x onerror=alert(1)>",
  formula: "=cmd|' /C calc'!A0",
  script: "</script><script>alert(2)</script>",
  comment: "<!--<script>alert(3)//",
  separators: "line\u2028sep\u2029para",
  svg: "<svg onload=alert(4)>",
} as const;

/** A small home whose agent names, namespaces, paths and actors are all hostile. */
export function hostileHome(): string {
  const names = Object.values(HOSTILE);
  const records: Record<string, unknown>[] = [
    {
      event: "policy.changed",
      timestamp: "2026-01-01T00:00:00Z",
      version: "</script>",
      sha256: "a".repeat(64),
      actor: HOSTILE.img,
    },
  ];
  let second = 0;
  const at = (day: number) => {
    second += 7;
    return `2026-01-${String(day).padStart(2, "0")}T10:${String(Math.floor(second / 60) % 60).padStart(2, "0")}:${String(second % 60).padStart(2, "0")}Z`;
  };
  for (let day = 2; day <= 28; day++) {
    names.forEach((agent, i) => {
      records.push(
        command({
          timestamp: at(day),
          agent,
          namespace: HOSTILE.svg,
          path: `/api/v1/namespaces/x/${HOSTILE.script}`,
        }),
      );
      if ((day + i) % 3 === 0)
        records.push(
          command({
            timestamp: at(day),
            agent,
            decision: "deny",
            tier: 2,
            method: "DELETE",
            path: HOSTILE.comment,
            namespace: HOSTILE.formula,
          }),
        );
      if ((day + i) % 5 === 0) {
        const request = `req-${day}-${i}`;
        records.push(
          command({
            timestamp: at(day),
            agent,
            decision: "escalate",
            tier: 3,
            request_id: request,
            path: HOSTILE.img,
          }),
        );
        records.push({
          event: "approval.granted",
          timestamp: at(day),
          request_id: request,
          agent,
          approver: HOSTILE.script,
          wait_ms: 1000 * (day + i),
        });
      }
      if (day === 20 && i === 0)
        records.push(
          command({ timestamp: at(day), agent, decision: "escalate", tier: 4, path: HOSTILE.separators }),
        );
    });
  }
  records.push({
    event: "token.issued",
    timestamp: "2026-01-03T09:00:00Z",
    agent: HOSTILE.img,
    fingerprint: `sha256:${"b".repeat(64)}`,
  });
  return writeChain(records);
}
