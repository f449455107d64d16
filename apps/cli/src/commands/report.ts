import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { verifyPackage } from "@iddio-compliance/core";
import type { Command } from "../cli-io.ts";
import { parseFlags, required } from "../parse-flags.ts";
import { sanitizeTerminal } from "../terminal/sanitize.ts";
import { UsageError } from "../usage-error.ts";

export const REPORT_HELP = `Usage: iddio-compliance report DIR --pdf FILE [--chromium PATH]

Prints a package's report.html to PDF with a headless Chromium: A4, one section per criterion,
page numbers, charts as vectors. The package is checked against its manifest first, so a report
that was changed after the export is never printed.

Options:
  --pdf FILE         the PDF to write
  --chromium PATH    Chromium executable (default: /usr/bin/chromium)
  -h, --help         show this help

Without Chromium, open DIR/report.html in any browser and use Print → Save as PDF: the page has
the same print layout.

Exit codes: 0 PDF written; 1 the package is not intact (nothing written); 2 usage or input error,
or no Chromium.
`;

/** `iddio-compliance report`. */
export const reportCommand: Command = async (argv, io) => {
  const { values, positionals } = parseFlags(
    argv,
    { pdf: { type: "string" }, chromium: { type: "string" } },
    true,
  );
  if (values.help) {
    io.stdout.write(REPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("report takes exactly one package folder");
  const pdf = resolve(io.cwd, required(values.pdf, "--pdf"));
  const dir = resolve(io.cwd, positionals[0] as string);
  const html = join(dir, "report.html");
  if (!existsSync(html))
    throw new UsageError(
      `${positionals[0]}: no report.html in this package (exported with --no-report, or by an older version): export the period again`,
    );
  const verdict = await verifyPackage(dir);
  if (!verdict.ok) {
    const lines = verdict.problems.map((p) => `  ${p.file}: ${p.problem.replaceAll("_", " ")}`);
    io.stderr.write(sanitizeTerminal(`NOT INTACT: no PDF written\n${lines.join("\n")}\n`));
    return 1;
  }
  // Loaded on demand: only this command drives a browser.
  const { printReportPdf } = await import("@iddio-compliance/report/pdf");
  await printReportPdf({
    html,
    pdf,
    ...(values.chromium ? { executablePath: resolve(io.cwd, values.chromium) } : {}),
  });
  io.stdout.write(sanitizeTerminal(`wrote ${values.pdf}\n`));
  return 0;
};
