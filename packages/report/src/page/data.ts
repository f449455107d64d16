/**
 * Reading the embedded documents without trusting their shape: documents change between versions
 * (and may come from another version of the generator), so every read says what it expects and
 * degrades to "absent" instead of throwing.
 */

/** A JSON object. */
export type Obj = Record<string, unknown>;

/** The data the page was generated with: the summary and the package's documents by file stem. */
export interface ReportData {
  summary: Obj;
  documents: Record<string, Obj>;
}

/** Reads the embedded report data. */
export function readReportData(doc: Document): ReportData {
  const el = doc.getElementById("report-data");
  const parsed: unknown = JSON.parse(el?.textContent ?? "null");
  const data = obj(parsed);
  const documents: Record<string, Obj> = {};
  for (const [key, value] of Object.entries(obj(data?.documents) ?? {})) {
    const d = obj(value);
    if (d) documents[key] = d;
  }
  return { summary: obj(data?.summary) ?? {}, documents };
}

/** The value as an object, or null. */
export function obj(value: unknown): Obj | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : null;
}

/** The value as an array (empty when it is not one). */
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value as a finite number, or null. */
export function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The value as a string, or null. */
export function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** Follows a path of keys; null as soon as a step is missing. */
export function at(value: unknown, ...path: string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    const o = obj(current);
    if (!o || !(key in o)) return null;
    current = o[key];
  }
  return current;
}

/** A file name without its extension: `cc6.1-access-controls.json` → `cc6.1-access-controls`. */
export function fileStem(file: string): string {
  return file.replace(/\.(json|csv)$/i, "");
}

/** The items of a list that is either `{ total, items }` or a plain array. */
export function listItems(value: unknown): { total: number; items: unknown[] } {
  if (Array.isArray(value)) return { total: value.length, items: value };
  const items = arr(at(value, "items"));
  return { total: num(at(value, "total")) ?? items.length, items };
}
