import type { Logger } from "@iddio-compliance/connector-sdk";

/** A logger that keeps every line as text, to assert on what was (and was not) logged. */
export function captureLogger(): Logger & { lines: string[]; text(): string } {
  const lines: string[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Readonly<Record<string, unknown>>): void => {
      lines.push(`${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ""}`);
    };
  return {
    lines,
    text: () => lines.join("\n"),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
}
