import { h } from "./dom.ts";

/** How each status reads: a word and a symbol, so it never rests on colour alone. */
const STATUS: Record<string, { label: string; symbol: string }> = {
  ok: { label: "OK", symbol: "✓" },
  attention: { label: "Attention", symbol: "!" },
  fail: { label: "Fail", symbol: "✗" },
  no_evidence: { label: "No evidence", symbol: "∅" },
};

const STRENGTH: Record<string, string> = {
  strong: "Strong evidence",
  partial: "Partial evidence",
  weak: "Weak evidence",
};

/** A status badge (`ok`, `attention`, `fail`, `no_evidence`, or a newer value shown as it is). */
export function statusBadge(status: string | null): HTMLElement {
  const known = status ? STATUS[status] : undefined;
  const cls = known ? `status status-${status}` : "status";
  return h(
    "span",
    { class: cls, "data-status": status ?? "" },
    h("span", { "aria-hidden": "true", class: "status-symbol" }, known?.symbol ?? "?"),
    " ",
    known?.label ?? status ?? "unknown",
  );
}

/** The evidence strength (`strong`, `partial`, `weak`). */
export function strengthBadge(strength: string | null): HTMLElement {
  return h(
    "span",
    { class: `strength strength-${strength ?? "unknown"}`, "data-strength": strength ?? "" },
    (strength && STRENGTH[strength]) ?? `${strength ?? "unknown"} evidence`,
  );
}
