import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../chromium.ts";

/** A report opened in headless Chromium, with everything it tried to do recorded. */
export interface OpenedReport {
  page: Page;
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Every request the page made (the document's own file included). */
  requests: string[];
  /** Dialogs (`alert`…) the page opened: injected script would show here. */
  dialogs: string[];
  url: string;
}

let browser: Browser | null = null;

/** One browser per test file. */
async function sharedBrowser(): Promise<Browser> {
  browser ??= await launchChromium();
  return browser;
}

/** Closes the browser of this test file. */
export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = null;
}

/** Opens `html` from file:// and waits until it has drawn (or failed to). */
export async function openReport(
  html: string,
  viewport = { width: 1200, height: 900 },
): Promise<OpenedReport> {
  const page = await (await sharedBrowser()).newPage({ viewport });
  const opened: OpenedReport = { page, errors: [], requests: [], dialogs: [], url: pathToFileURL(html).href };
  page.on("console", (m) => {
    if (m.type() === "error") opened.errors.push(m.text());
  });
  page.on("pageerror", (e) => opened.errors.push(e.message));
  page.on("request", (r) => opened.requests.push(r.url()));
  page.on("dialog", (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(opened.url);
  await page.waitForFunction(() => document.documentElement.dataset.ready, null, { timeout: 120_000 });
  return opened;
}
