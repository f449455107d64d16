// Control characters (C0 with newline and carriage return, DEL, C1), the bidirectional marks,
// embeddings, overrides and isolates that can reorder what is shown, and the invisible separators.
// A tab stays: it only moves right, and tab-separated output (`push`) uses it between values.
const UNSAFE =
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r" };

function escaped(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Makes one untrusted value, or one line of output built from such values, safe for a terminal:
 * control characters, newlines included, and the marks that reorder or hide text are shown as
 * escapes (`\n`, `\x1b`, `\u202e`), so an agent name, a path or a hash value can neither move the
 * cursor, recolour, nor start a line of its own (a forged "verified: …" under "NOT VERIFIED").
 */
export function sanitizeTerminal(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/** Lines of output, each made safe by {@link sanitizeTerminal}, one per terminal line. */
export function terminalLines(lines: readonly string[]): string {
  return `${lines.map(sanitizeTerminal).join("\n")}\n`;
}
