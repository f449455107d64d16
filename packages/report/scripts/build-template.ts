// Builds dist/report-template.html: the page's script and styles bundled, minified and inlined,
// with a Content-Security-Policy that allows exactly those two (by SHA-256) and nothing else.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build, transform } from "esbuild";
import { DATA_MARKER, TEMPLATE_URL } from "../src/template.ts";

const PAGE = new URL("../src/page/", import.meta.url);

function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/** Builds the template into `dist/` (atomically: parallel builds never see half a file); returns its path and size. */
export async function buildReportTemplate(): Promise<{ path: string; bytes: number }> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL("main.ts", PAGE))],
    bundle: true,
    minify: true,
    format: "iife",
    target: "chrome109",
    write: false,
    legalComments: "none",
    conditions: ["dev-source"],
    logLevel: "error",
  });
  const script = bundle.outputFiles[0]?.text ?? "";
  const css = (
    await transform(readFileSync(new URL("style.css", PAGE), "utf8"), { loader: "css", minify: true })
  ).code;
  // The script must not end the <script> element early, and the data marker must stay unique.
  if (/<\/script/i.test(script) || script.includes(DATA_MARKER) || css.includes("</style"))
    throw new Error("report page: the bundled script or styles contain a closing tag or the data marker");
  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(script)}`,
    `style-src ${cspHash(css)}`,
    "img-src 'none'",
    "connect-src 'none'",
    "font-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="iddio-compliance report">
<title>SOC 2 evidence report</title>
<style>${css}</style>
</head>
<body>
<main id="report"><noscript><p>This report draws with JavaScript, which is off. The evidence files beside it hold every figure.</p></noscript></main>
<script type="application/json" id="report-data">${DATA_MARKER}</script>
<script>${script}</script>
</body>
</html>
`;
  const path = fileURLToPath(TEMPLATE_URL);
  mkdirSync(fileURLToPath(new URL(".", TEMPLATE_URL)), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, html);
  renameSync(temp, path);
  return { path, bytes: Buffer.byteLength(html) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { path, bytes } = await buildReportTemplate();
  console.log(`report template: ${path} (${bytes} bytes)`);
}
