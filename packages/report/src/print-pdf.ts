import { renameSync, rmSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { launchChromium } from "./chromium.ts";
import { ReportError } from "./report-error.ts";

/** Options of {@link printReportPdf}. */
export interface PrintReportPdfOptions {
  /** Path of the `report.html` to print. */
  html: string;
  /** Path of the PDF to write (written beside, then renamed into place). */
  pdf: string;
  /** Chromium executable. @default "/usr/bin/chromium" */
  executablePath?: string;
  /** How long the page may take to draw, in ms. @default 120000 */
  timeoutMs?: number;
}

/**
 * Prints a report to PDF with headless Chromium, using the page's own print stylesheet (A4, one
 * section per criterion, page numbers). Any request other than the file itself is refused.
 */
export async function printReportPdf(options: PrintReportPdfOptions): Promise<void> {
  const browser = await launchChromium(options.executablePath);
  const temp = `${options.pdf}.${process.pid}.tmp`;
  try {
    const page = await browser.newPage();
    const url = pathToFileURL(options.html).href;
    await page.route("**/*", (route) => (route.request().url() === url ? route.continue() : route.abort()));
    await page.goto(url);
    const state = await page
      .waitForFunction(() => document.documentElement.dataset.ready, null, {
        timeout: options.timeoutMs ?? 120_000,
      })
      .then((handle) => handle.jsonValue());
    if (state !== "true")
      throw new ReportError(
        "PDF_FAILED",
        `${options.html}: the report could not be drawn, so no PDF was written`,
        { subject: options.html },
      );
    await page.emulateMedia({ media: "print" });
    await page.pdf({
      path: temp,
      preferCSSPageSize: true,
      printBackground: true,
      tagged: true,
      outline: true,
    });
    renameSync(temp, options.pdf);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  } finally {
    await browser.close();
  }
}
