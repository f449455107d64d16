/**
 * The page's only way to build DOM: elements from a tag, attributes and children, where every
 * string becomes a text node. Data never reaches `innerHTML`, and attributes that could run code
 * or load anything (`on*`, `style`, `src`, `srcdoc`, non-fragment `href`) are refused.
 */

/** A child: a node, or a value shown as text; `null`, `undefined` and `false` are skipped. */
export type Child = Node | string | number | null | undefined | false;
/** Attributes: `true` sets an empty attribute, `false`/`null`/`undefined` leave it out. */
export type Attrs = Record<string, string | number | boolean | null | undefined>;

const SVG_NS = "http://www.w3.org/2000/svg";

function checkAttribute(name: string, value: string): void {
  const lower = name.toLowerCase();
  if (lower.startsWith("on") || lower === "style" || lower === "src" || lower === "srcdoc")
    throw new Error(`report: attribute "${name}" is not allowed`);
  if ((lower === "href" || lower === "xlink:href") && !value.startsWith("#"))
    throw new Error(`report: only in-page links are allowed (${name})`);
}

function fill(el: Element, attrs: Attrs | null | undefined, children: Child[]): void {
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === false || value === null || value === undefined) continue;
      const text = value === true ? "" : String(value);
      checkAttribute(name, text);
      el.setAttribute(name, text);
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** Creates an HTML element. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  fill(el, attrs, children);
  return el;
}

/** Creates an SVG element. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  fill(el, attrs, children);
  return el;
}

let nextId = 0;
/** A document-unique id with a readable prefix. */
export function uid(prefix: string): string {
  nextId++;
  return `${prefix}-${nextId}`;
}
