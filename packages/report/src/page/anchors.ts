import {
  type CriterionDocument,
  CSV_LIST_FILES,
  DOCUMENT_NAMES,
  INTEGRITY_FINDINGS_CSV,
} from "@iddio-compliance/schema/wire";
import { fileStem } from "./data.ts";

/**
 * Where in the page each part of the package is shown, so a reason's `detail` ("cc6.3-…json#/
 * unresolved_escalations", or a CSV file name) links to the section that holds its items.
 */

/** Each list file of a CSV package → the document and JSON pointer of the list it holds. */
const CSV_DETAILS: Record<string, [string, string]> = {};
for (const [doc, files] of Object.entries(CSV_LIST_FILES)) {
  for (const [pointer, file] of Object.entries(files)) {
    const stem = fileStem(file);
    // A document's own CSV (its per-agent rows) stays a link to the document's section.
    if (!(stem in CSV_DETAILS) && stem !== DOCUMENT_NAMES[doc as CriterionDocument])
      CSV_DETAILS[stem] = [DOCUMENT_NAMES[doc as CriterionDocument], pointer];
  }
}
CSV_DETAILS[fileStem(INTEGRITY_FINDINGS_CSV)] = [DOCUMENT_NAMES.integrity, "/findings"];

/** An element id for a document location (ids may hold any character but spaces; keep them tame). */
export function anchorId(stem: string, pointer = ""): string {
  return `d-${`${stem}${pointer}`.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** The registry of rendered locations. */
export class Anchors {
  #ids = new Set<string>();
  #stems: string[] = [];

  /** Records that the document `stem` (at `pointer`) is shown at the returned id. */
  register(stem: string, pointer = ""): string {
    const id = anchorId(stem, pointer);
    this.#ids.add(id);
    if (pointer === "") this.#stems.push(stem);
    return id;
  }

  /**
   * The id of the closest shown location for a reason's `detail`: the exact list, else its nearest
   * shown parent, else the document's section; null when nothing of it is shown.
   */
  resolve(detail: string): string | null {
    const hash = detail.indexOf("#");
    const file = hash >= 0 ? detail.slice(0, hash) : detail;
    let pointer = hash >= 0 ? detail.slice(hash + 1) : "";
    let stem = fileStem(file);
    const csv = CSV_DETAILS[stem];
    if (csv && pointer === "") [stem, pointer] = csv;
    if (!this.#stems.includes(stem)) {
      // A detail file this page does not know: the criterion file with the same prefix ("cc6.3-").
      const prefix = stem.split("-")[0] ?? stem;
      const owner = this.#stems.find((s) => s.split("-")[0] === prefix);
      if (!owner) return null;
      stem = owner;
    }
    let parts = pointer.split("/").filter((p) => p.length > 0);
    for (;;) {
      const id = anchorId(stem, parts.length > 0 ? `/${parts.join("/")}` : "");
      if (this.#ids.has(id)) return id;
      if (parts.length === 0) return null;
      parts = parts.slice(0, -1);
    }
  }
}
