import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { exportEvidence } from "../export/export-evidence.ts";
import { command, writeChain } from "../test-support/write-chain.ts";

// Opens CSV evidence in a real spreadsheet engine (LibreOffice, headless, from Debian's
// libreoffice-calc-nogui) with formula evaluation switched ON at import — the worst case — and
// reads the cells back from the flat ODS it writes. CI installs LibreOffice and sets
// IDDIO_REQUIRE_LIBREOFFICE=1, so this can never be skipped there.
const SOFFICE = spawnSync("soffice", ["--version"], { encoding: "utf8" }).status === 0;
if (!SOFFICE && process.env.IDDIO_REQUIRE_LIBREOFFICE === "1")
  throw new Error("IDDIO_REQUIRE_LIBREOFFICE=1 but soffice (LibreOffice) is not installed");

/** Comma, double quote, UTF-8, from line 1, …, evaluate formulas (token 13) on. */
const CSV_IMPORT = "CSV:44,34,76,1,,1033,false,true,false,false,false,-1,true";

/** Converts every CSV of `dir` to flat ODS in one LibreOffice run; returns the `.fods` texts by CSV name. */
function openInSpreadsheet(dir: string, files: string[]): Map<string, string> {
  const out = mkdtempSync(join(tmpdir(), "lo-out-"));
  const profile = mkdtempSync(join(tmpdir(), "lo-profile-"));
  execFileSync(
    "soffice",
    [
      `-env:UserInstallation=file://${profile}`,
      "--headless",
      `--infilter=${CSV_IMPORT}`,
      "--convert-to",
      "fods",
      "--outdir",
      out,
      ...files.map((f) => join(dir, f)),
    ],
    { stdio: "ignore", timeout: 120_000 },
  );
  return new Map(files.map((f) => [f, readFileSync(join(out, f.replace(/\.csv$/, ".fods")), "utf8")]));
}

/** Rows of the first sheet of a flat ODS, counting repeated rows. */
function rowCount(fods: string): number {
  let rows = 0;
  for (const m of fods.matchAll(/<table:table-row\b([^>]*)>/g)) {
    const repeated = /table:number-rows-repeated="(\d+)"/.exec(m[1] ?? "");
    rows += repeated ? Number(repeated[1]) : 1;
  }
  return rows;
}

const formulas = (fods: string) => [...fods.matchAll(/table:formula="([^"]*)"/g)].map((m) => m[1]);

/** Strings an attacker controls in the log, each trying to become a formula. */
const HOSTILE = [
  "=cmd|' /C calc'!A0",
  "/x\n=cmd|' /C calc'!A0",
  "+SUM(1,2)",
  "-2+3",
  "@SUM(1)",
  "\t=1+1",
  "\r=1+1",
  " =1+1",
  '"=1+1',
  "\u00a0=1+1",
  "\u200b=1+1",
  "\ufeff=1+1",
  "＝1+1",
  "'=1+1",
  'ops "bot", <&>\r\n=2+2',
];

function hostileHome(): string {
  const records: Record<string, unknown>[] = [];
  let minute = 0;
  const at = () => {
    const t = new Date(Date.parse("2026-02-03T09:00:00Z") + minute++ * 60_000).toISOString();
    return t.replace(".000Z", "Z");
  };
  records.push({
    event: "policy.changed",
    timestamp: "2026-01-20T00:00:00Z",
    version: HOSTILE[0],
    actor: HOSTILE[1],
    snapshot: {
      default: "deny",
      agents: Object.fromEntries(HOSTILE.map((h) => [h, { rules: [{ protocol: h }] }])),
    },
  });
  HOSTILE.forEach((h, i) => {
    records.push(command({ timestamp: at(), agent: h, path: h, namespace: h, method: h, resource: h }));
    records.push(command({ timestamp: at(), agent: h, path: h, namespace: h, decision: "deny", tier: 3 }));
    records.push(command({ timestamp: at(), agent: h, path: h, decision: "allow", tier: 4, namespace: h }));
    records.push(
      command({ timestamp: at(), agent: h, path: h, decision: "escalate", tier: 2, request_id: `esc_${i}` }),
    );
    records.push({
      event: "approval.granted",
      timestamp: at(),
      request_id: `esc_${i}`,
      agent: h,
      approver: h,
      wait_ms: 5,
    });
    records.push(
      command({ timestamp: at(), agent: h, path: h, decision: "escalate", tier: 3, request_id: h }),
    );
    records.push({
      event: "session.recorded",
      timestamp: at(),
      agent: h,
      session_id: h,
      type: "exec",
      bytes: 1,
    });
    records.push({ event: "token.issued", timestamp: at(), agent: h, fingerprint: h });
  });
  records.push({
    event: "policy.changed",
    timestamp: at(),
    version: HOSTILE[2],
    actor: HOSTILE[3],
    snapshot: { default: HOSTILE[4], agents: { [HOSTILE[5] as string]: { rules: [] } } },
  });
  return writeChain(records);
}

describe.skipIf(!SOFFICE)("CSV evidence in a real spreadsheet (LibreOffice)", () => {
  it("has no formula cell and no split row in any CSV of a hostile package", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "lo-")), "evidence");
    await exportEvidence({
      source: hostileHome(),
      from: "2026-02-01",
      to: "2026-02-28",
      format: "csv",
      output: out,
      now: () => new Date("2026-03-10T00:00:00Z"),
    });
    const files = readdirSync(out).filter((f) => f.endsWith(".csv"));
    expect(files.length).toBeGreaterThanOrEqual(15);
    const sheets = openInSpreadsheet(out, files);
    let hostileCells = 0;
    for (const file of files) {
      const rows = parse(readFileSync(join(out, file))) as string[][];
      hostileCells += rows.flat().filter((cell) => HOSTILE.some((h) => cell.includes(h.trim()))).length;
      const sheet = sheets.get(file) as string;
      expect(formulas(sheet), file).toEqual([]);
      expect(rowCount(sheet), file).toBe(rows.length);
    }
    expect(hostileCells).toBeGreaterThan(100);
  }, 180_000);

  it("would find a formula and a split row in a CSV written without quoting and neutralising (the check can fail)", () => {
    const dir = mkdtempSync(join(tmpdir(), "lo-control-"));
    writeFileSync(join(dir, "naive.csv"), "path,n\r\n/x\n=cmd|' /C calc'!A0,1\r\n");
    const sheet = openInSpreadsheet(dir, ["naive.csv"]).get("naive.csv") as string;
    expect(formulas(sheet).length).toBeGreaterThan(0);
    expect(rowCount(sheet)).toBe(3);
  }, 120_000);
});
