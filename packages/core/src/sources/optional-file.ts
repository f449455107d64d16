import { readFileSync } from "node:fs";
import { ComplianceError } from "../errors/compliance-error.ts";

/** Reads a small optional input file as UTF-8; `null` when it does not exist. */
export function readOptionalText(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new ComplianceError("INPUT_UNREADABLE", `cannot read "${path}": ${(cause as Error).message}`, {
      subject: path,
      cause,
    });
  }
}
