import { h, uid } from "./dom.ts";
import { formatNumber, formatValue } from "./format.ts";

/** A column: its header and how to read a cell from a row object. */
export interface Column {
  header: string;
  key: string;
  /** Numbers are right-aligned. */
  numeric?: boolean;
  /** Kept on one line (timestamps). */
  nowrap?: boolean;
}

const PAGE = 50;

/**
 * A table of list items (denied requests, unresolved escalations…) with search and paging. Only
 * one page of rows is ever in the DOM, and the search text of each row is built once, on the first
 * search, so both stay fast with 100,000 rows. In print, the first page is shown with a note of how
 * many more rows the package file holds.
 */
export function findingsTable(args: {
  id: string;
  caption: string;
  columns: readonly Column[];
  rows: readonly unknown[];
  /** The list's total as the document states it (may exceed the rows embedded). */
  total: number;
  source: string;
}): HTMLElement {
  const { columns, rows } = args;
  const searchId = uid("search");
  const statusId = uid("table-status");
  const tbody = h("tbody");
  const status = h("p", { id: statusId, class: "table-status", role: "status", "aria-live": "polite" });
  const printNote = h("p", { class: "print-only table-note" });
  const input = h("input", {
    id: searchId,
    type: "search",
    autocomplete: "off",
    spellcheck: "false",
    "aria-controls": args.id,
    "aria-describedby": statusId,
  });
  const prev = h("button", { type: "button", class: "pager-prev" }, "Previous");
  const next = h("button", { type: "button", class: "pager-next" }, "Next");
  let haystack: string[] | null = null;
  let visible: readonly number[] | null = null; // indexes into rows; null = all rows
  let page = 0;

  const cell = (row: unknown, column: Column): string => {
    const value =
      row !== null && typeof row === "object" ? (row as Record<string, unknown>)[column.key] : undefined;
    return formatValue(value, column.key);
  };
  const render = () => {
    const count = visible ? visible.length : rows.length;
    const pages = Math.max(1, Math.ceil(count / PAGE));
    page = Math.min(page, pages - 1);
    const first = page * PAGE;
    const last = Math.min(count, first + PAGE);
    const trs: HTMLTableRowElement[] = [];
    for (let i = first; i < last; i++) {
      const row = rows[visible ? (visible[i] as number) : i];
      trs.push(
        h(
          "tr",
          null,
          ...columns.map((c) =>
            h("td", { class: c.numeric ? "num" : c.nowrap ? "nowrap" : null }, cell(row, c)),
          ),
        ),
      );
    }
    tbody.replaceChildren(...trs);
    const of = visible ? ` (${formatNumber(count)} match of ${formatNumber(rows.length)})` : "";
    status.textContent =
      count === 0
        ? `No rows${visible ? " match" : ""}.`
        : `Rows ${formatNumber(first + 1)}–${formatNumber(last)} of ${formatNumber(count)}${of}; page ${page + 1} of ${pages}.`;
    printNote.textContent =
      rows.length > PAGE
        ? `Printed: the first ${formatNumber(last - first)} of ${formatNumber(args.total)} rows; every row is in ${args.source}.`
        : "";
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  };
  const search = (query: string) => {
    const q = query.trim().toLowerCase();
    if (q === "") visible = null;
    else {
      haystack ??= rows.map((row) =>
        columns
          .map((c) => cell(row, c))
          .join("\u0000")
          .toLowerCase(),
      );
      const hits: number[] = [];
      for (let i = 0; i < haystack.length; i++) if ((haystack[i] as string).includes(q)) hits.push(i);
      visible = hits;
    }
    page = 0;
    render();
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value), 120);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      clearTimeout(timer);
      search(input.value);
    }
  });
  prev.addEventListener("click", () => {
    page = Math.max(0, page - 1);
    render();
  });
  next.addEventListener("click", () => {
    page++;
    render();
  });
  render();
  return h(
    "div",
    { class: "findings", "data-rows": rows.length, "data-total": args.total },
    h(
      "div",
      { class: "table-tools no-print" },
      h("label", { for: searchId }, `Search ${args.caption.toLowerCase()}`),
      input,
      h("span", { class: "pager" }, prev, next),
    ),
    status,
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { id: args.id, class: "data" },
        h("caption", null, `${args.caption} (${formatNumber(args.total)}, from ${args.source})`),
        h(
          "thead",
          null,
          h(
            "tr",
            null,
            ...columns.map((c) => h("th", { scope: "col", class: c.numeric ? "num" : null }, c.header)),
          ),
        ),
        tbody,
      ),
    ),
    printNote,
  );
}

/** A small static table (every row shown): agents, tier model, files. */
export function staticTable(args: {
  caption: string;
  headers: readonly string[];
  rows: readonly (readonly (string | number | null | Node)[])[];
  id?: string;
}): HTMLElement {
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "data", id: args.id ?? null },
      h("caption", null, args.caption),
      h("thead", null, h("tr", null, ...args.headers.map((x) => h("th", { scope: "col" }, x)))),
      h(
        "tbody",
        null,
        ...args.rows.map((row) =>
          h(
            "tr",
            null,
            ...row.map((v, i) =>
              i === 0
                ? h("th", { scope: "row" }, typeof v === "number" ? formatNumber(v) : (v ?? "—"))
                : h(
                    "td",
                    { class: typeof v === "number" ? "num" : null },
                    typeof v === "number" ? formatNumber(v) : (v ?? "—"),
                  ),
            ),
          ),
        ),
      ),
    ),
  );
}
