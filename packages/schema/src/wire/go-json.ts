/**
 * A JSON encoder that writes bytes exactly as Go's `encoding/json` `json.Marshal` does for the
 * shapes iddio writes: compact output, struct fields in declaration order (with `omitempty`),
 * map keys sorted, and HTML-safe string escaping (`<` `>` `&` U+2028 U+2029 as `\u00xx`/`\u20xx`).
 *
 * iddio hashes `json.Marshal(event)`, so any tool that writes (simulator) or rebuilds (PostgreSQL
 * column mode) audit lines must produce these exact bytes.
 */

const HEX = "0123456789abcdef";

/** One field of a Go struct, in declaration order. */
export interface GoField {
  /** The JSON key (the `json:"…"` tag name). */
  readonly name: string;
  /** Whether the tag has `omitempty`: `""`, `0`, `false`, `null`, empty arrays and objects are left out. */
  readonly omitempty: boolean;
  /** A pointer field (`*int` with `omitempty`): left out only when `null`/absent, so `0` is written. */
  readonly pointer?: boolean;
}

/** Encodes a string as Go's `encoding/json` does with HTML escaping on (the default). */
export function goQuote(value: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let replacement: string | undefined;
    if (c < 0x20) {
      if (c === 0x0a) replacement = "\\n";
      else if (c === 0x0d) replacement = "\\r";
      else if (c === 0x09) replacement = "\\t";
      else if (c === 0x08) replacement = "\\b";
      else if (c === 0x0c) replacement = "\\f";
      else replacement = `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
    } else if (c === 0x22) replacement = '\\"';
    else if (c === 0x5c) replacement = "\\\\";
    else if (c === 0x3c) replacement = "\\u003c";
    else if (c === 0x3e) replacement = "\\u003e";
    else if (c === 0x26) replacement = "\\u0026";
    else if (c === 0x2028) replacement = "\\u2028";
    else if (c === 0x2029) replacement = "\\u2029";
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate cannot be UTF-8 encoded; Go writes U+FFFD for invalid UTF-8.
      const next = value.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      replacement = "\\ufffd";
    }
    if (replacement !== undefined) {
      out += value.slice(start, i) + replacement;
      start = i + 1;
    }
  }
  return `${out + value.slice(start)}"`;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "" || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value).length === 0;
  return false;
}

/**
 * Encodes any JSON value the way Go encodes `interface{}` values: objects as maps (keys sorted by
 * their bytes), integers without exponent, strings HTML-escaped.
 */
export function goMarshalValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return goQuote(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`go-json: unsupported number ${value}`);
    if (!Number.isInteger(value)) throw new TypeError(`go-json: only integers are supported, got ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(goMarshalValue).join(",")}]`;
  if (typeof value === "object") {
    const keys = Object.keys(value).sort(compareUtf8);
    const record = value as Record<string, unknown>;
    return `{${keys.map((k) => `${goQuote(k)}:${goMarshalValue(record[k])}`).join(",")}}`;
  }
  throw new TypeError(`go-json: unsupported value of type ${typeof value}`);
}

/** Go sorts map keys by their UTF-8 bytes; for BMP-only keys this equals code unit order. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * Encodes `record` as Go encodes a struct with the given fields. One thing cannot be rebuilt from
 * parsed values: Go writes each invalid UTF-8 byte as the text `\ufffd` but a real U+FFFD raw,
 * and both parse to the same string; verification therefore hashes stored bytes (DESIGN §4). A key of `record` that the struct
 * does not declare is a programming error: Go could not have written it.
 */
export function goMarshalStruct(
  record: Readonly<Record<string, unknown>>,
  fields: readonly GoField[],
): string {
  const declared = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(record)) {
    if (!declared.has(key) && record[key] !== undefined) {
      throw new TypeError(`go-json: field "${key}" is not declared in the struct`);
    }
  }
  const parts: string[] = [];
  for (const field of fields) {
    const value = record[field.name];
    const absent = value === undefined || (field.pointer === true && value === null);
    if (absent || (field.omitempty && field.pointer !== true && isEmpty(value))) continue;
    parts.push(`${goQuote(field.name)}:${goMarshalValue(value)}`);
  }
  return `{${parts.join(",")}}`;
}
