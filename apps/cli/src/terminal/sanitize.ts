// C0 and C1 control characters (ESC, BEL, CR, …) and the bidi overrides that can disguise text.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Strips control characters from an untrusted string before it reaches a terminal, so an agent
 * name or path cannot move the cursor, recolour or rewrite what the operator reads.
 */
export function sanitizeTerminal(text: string): string {
  return text.replace(CONTROL, "");
}
