import { cpSync, mkdirSync, mkdtempSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { exportEvidence } from "../export/export-evidence.ts";
import { command, writeChain } from "../test-support/write-chain.ts";
import { previousLinkOf } from "./previous-link.ts";
import { readSummaryFile } from "./read-package.ts";
import { readPrivateKey, readPublicKey, writeSigningKeys } from "./signing.ts";
import { verifySeries } from "./verify-series.ts";

const MONTHS = [
  ["2026-01-01", "2026-01-31"],
  ["2026-02-01", "2026-02-28"],
  ["2026-03-01", "2026-03-31"],
  ["2026-04-01", "2026-04-30"],
] as const;

/** Four months of events, a few a day on some days; `edit` changes February's 3rd event. */
function monthsOfEvents(edit = false) {
  const records: Record<string, unknown>[] = [];
  for (let m = 1; m <= 4; m++)
    for (let d = 1; d <= 28; d += 3)
      records.push(
        command({ timestamp: `2026-0${m}-${String(d).padStart(2, "0")}T09:00:00Z`, agent: `agent-${d % 4}` }),
      );
  if (edit) records[12] = { ...records[12], decision: "deny", path: "/rewritten" };
  return writeChain(records);
}

let root: string;
let keys: { privateKeyPath: string; publicKeyPath: string };
let otherKeys: { publicKeyPath: string };
let series: string[];
let home: string;

async function exportMonth(source: string, month: number, dir: string, previousDir?: string) {
  const [from, to] = MONTHS[month] as readonly [string, string];
  await exportEvidence({
    source,
    from,
    to,
    format: "json",
    output: dir,
    sign: readPrivateKey(keys.privateKeyPath, "--sign"),
    now: () => new Date("2026-05-02T00:00:00Z"),
    ...(previousDir ? { previous: previousLinkOf(readSummaryFile(previousDir)) } : {}),
  });
  return dir;
}

const key = () => ({ publicKey: readPublicKey(keys.publicKeyPath, "--key") });
const kinds = (v: { problems: { kind: string }[] }) => v.problems.map((p) => p.kind);

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "series-"));
  keys = writeSigningKeys(join(root, "keys"));
  otherKeys = writeSigningKeys(join(root, "other"));
  home = monthsOfEvents();
  series = [];
  for (let m = 0; m < 4; m++) {
    const [from, to] = MONTHS[m] as readonly [string, string];
    series.push(await exportMonth(home, m, join(root, `${from}_${to}`), series[m - 1]));
  }
}, 120_000);

describe("verifySeries", () => {
  it("passes four linked, signed months given in any order", async () => {
    const verdict = await verifySeries([...series].reverse(), key());
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.packages.map((p) => p.period)).toEqual(MONTHS.map(([f, t]) => `${f}..${t}`));
    expect(verdict.signatures).toBe("checked");
  });

  it("names the missing month: the gap, the link that skips it and the events no package holds", async () => {
    const verdict = await verifySeries([series[0], series[2], series[3]] as string[], key());
    expect(kinds(verdict)).toEqual(["gap", "link", "chain"]);
    expect(verdict.problems[0]?.message).toContain("no package covers 2026-02-01..2026-02-28");
    expect(verdict.problems[1]?.message).toContain("follows 2026-02-01..2026-02-28 by its link");
    expect(verdict.problems[2]?.message).toMatch(/events \d+\.\.\d+ of the chain are in no package/);
  });

  it("names an overlapping package", async () => {
    const mid = join(root, "mid");
    await exportEvidence({
      source: home,
      from: "2026-02-15",
      to: "2026-03-14",
      format: "json",
      output: mid,
      sign: readPrivateKey(keys.privateKeyPath, "--sign"),
    });
    const verdict = await verifySeries([series[1], mid] as string[], key());
    expect(kinds(verdict)).toContain("overlap");
    expect(verdict.problems.find((p) => p.kind === "overlap")?.message).toContain(
      "2026-02-15..2026-02-28 is in both",
    );
  });

  it("names a duplicate month", async () => {
    const copy = join(root, "copy-of-feb");
    cpSync(series[1] as string, copy, { recursive: true });
    const verdict = await verifySeries([...series, copy], key());
    expect(kinds(verdict)).toEqual(["duplicate"]);
    expect(verdict.problems[0]?.message).toContain("identical copies");
  });

  it("names two months whose folders were swapped", async () => {
    const dir = mkdtempSync(join(tmpdir(), "swapped-"));
    const names = MONTHS.map(([f, t]) => join(dir, `${f}_${t}`));
    for (const [i, s] of series.entries()) cpSync(s, names[i] as string, { recursive: true });
    renameSync(names[1] as string, join(dir, "tmp"));
    renameSync(names[2] as string, names[1] as string);
    renameSync(join(dir, "tmp"), names[2] as string);
    const verdict = await verifySeries(names, key());
    expect(kinds(verdict)).toEqual(["misfiled", "misfiled"]);
    expect(verdict.problems[0]?.message).toContain(
      "is named for 2026-03-01..2026-03-31 but holds the package of 2026-02-01..2026-02-28",
    );
  });

  it("names a month re-exported from a rewritten log: its successor's link and chain no longer meet it", async () => {
    const rewritten = monthsOfEvents(true);
    const dir = join(mkdtempSync(join(tmpdir(), "reexport-")), "2026-02-01_2026-02-28");
    await exportMonth(rewritten, 1, dir, series[0]);
    const verdict = await verifySeries([series[0], dir, series[2], series[3]] as string[], key());
    expect(kinds(verdict)).toEqual(["link", "chain"]);
    expect(verdict.problems[0]?.message).toContain("re-exported or replaced");
    expect(verdict.problems[1]?.message).toContain("not the same chain");
  });

  it("fails every package against another key, and without a key checks that one key signed them all", async () => {
    const wrong = await verifySeries(series, { publicKey: readPublicKey(otherKeys.publicKeyPath, "--key") });
    expect(kinds(wrong)).toEqual(["package", "package", "package", "package"]);
    expect(wrong.problems[0]?.message).toContain("key_mismatch");
    const unchecked = await verifySeries(series);
    expect(unchecked.ok).toBe(true);
    expect(unchecked.signatures).toBe("not_checked");
    expect(unchecked.keyId).toBe(readSummaryFile(series[0] as string).summary.signing?.key_id);
  });

  it("names a folder that holds no package", async () => {
    const empty = join(root, "empty");
    mkdirSync(empty);
    const verdict = await verifySeries([...series, empty], key());
    expect(kinds(verdict)).toEqual(["package"]);
    expect(verdict.problems[0]?.message).toContain("summary.json: missing");
  });
});
