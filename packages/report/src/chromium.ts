import { accessSync, constants } from "node:fs";
import type { Browser } from "playwright-core";
import { ReportError } from "./report-error.ts";

/** Where Debian (and most Linux distributions) install Chromium. */
const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/**
 * Flags for a headless Chromium that reaches nothing: no QUIC, no first-run, background
 * networking, component updates or sync. Playwright gives each launch a fresh, temporary
 * user-data-dir and removes it on close.
 */
const CHROMIUM_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches the installed Chromium headless; a clear {@link ReportError} when there is none. */
export async function launchChromium(executablePath: string = DEFAULT_CHROMIUM): Promise<Browser> {
  try {
    accessSync(executablePath, constants.X_OK);
  } catch (cause) {
    throw new ReportError(
      "CHROMIUM_NOT_FOUND",
      `no Chromium at ${executablePath}: install one (Debian/Ubuntu: apt-get install chromium) or name it with --chromium PATH; or open report.html in a browser and use Print → Save as PDF`,
      { subject: executablePath, cause },
    );
  }
  // Loaded on demand: rendering report.html never needs it.
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
}
