import { at, type Obj, str } from "./data.ts";
import { h } from "./dom.ts";
import { shortHash } from "./format.ts";
import { checkPackage, type PackageCheck, type PickedFile } from "./verify-files.ts";

const RESULT_TEXT: Record<string, string> = {
  match: "✓ matches",
  missing: "✗ missing",
  size_mismatch: "✗ size differs",
  digest_mismatch: "✗ SHA-256 differs",
  not_in_manifest: "✗ not in the manifest",
  unsafe_name: "✗ unsafe name in the manifest",
};

function fromFile(file: File): PickedFile {
  return { name: file.name, size: file.size, bytes: () => file.arrayBuffer() };
}

/** Every file under the dropped items, folders read recursively (bounded depth). */
async function droppedFiles(items: DataTransferItemList): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  const entries = Array.from(items, (item) => item.webkitGetAsEntry?.() ?? null).filter((e) => e !== null);
  const walk = async (entry: FileSystemEntry, depth: number): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      out.push(fromFile(file));
    } else if (entry.isDirectory && depth < 3) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (let round = 0; round < 1000; round++) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
          reader.readEntries(resolve, reject),
        );
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, depth + 1);
      }
    }
  };
  for (const entry of entries) await walk(entry, 0);
  return out;
}

function verdictLine(check: PackageCheck, embedded: Obj): HTMLElement {
  const bad = check.files.filter((f) => f.result !== "match");
  const sameExport =
    str(at(check.summary, "generated_at")) === str(embedded.generated_at) &&
    str(at(check.summary, "integrity", "chain_head")) === str(at(embedded, "integrity", "chain_head"));
  return h(
    "div",
    {
      class: check.intact ? "verdict ok" : "verdict fail",
      "data-verdict": check.intact ? "intact" : "not-intact",
    },
    h(
      "p",
      null,
      check.intact
        ? `✓ Intact: ${check.files.length} file(s) match the manifest in summary.json.`
        : `✗ NOT intact: ${bad.map((f) => `${f.file} (${RESULT_TEXT[f.result] ?? f.result})`).join(", ") || "the signature does not verify"}.`,
    ),
    sameExport
      ? null
      : h(
          "p",
          null,
          "Note: the chosen summary.json is not the one this report was generated with (its generation time or chain head differ).",
        ),
  );
}

function resultsTable(check: PackageCheck): HTMLElement {
  return h(
    "table",
    { class: "data", id: "verify-results" },
    h("caption", null, "Per-file results"),
    h(
      "thead",
      null,
      h("tr", null, ...["File", "Result", "Expected", "Found"].map((x) => h("th", { scope: "col" }, x))),
    ),
    h(
      "tbody",
      null,
      ...check.files.map((f) =>
        h(
          "tr",
          { "data-file": f.file, "data-result": f.result },
          h("th", { scope: "row" }, f.file),
          h("td", null, RESULT_TEXT[f.result] ?? f.result),
          h("td", null, h("code", null, f.result === "match" ? shortHash(f.expected) : (f.expected ?? "—"))),
          h("td", null, h("code", null, f.result === "match" ? shortHash(f.actual) : (f.actual ?? "—"))),
        ),
      ),
    ),
  );
}

/** The offline verification panel. */
export function verifyPanel(embedded: Obj): HTMLElement {
  const output = h("div", { class: "verify-output", "aria-live": "polite", id: "verify-output" });
  const keyId = str(at(embedded, "signing", "key_id"));
  const keyInput = h("textarea", {
    id: "verify-key",
    rows: 4,
    spellcheck: "false",
    placeholder: "-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----",
  });
  const filesInput = h("input", { type: "file", id: "verify-files", multiple: true });
  const folderInput = h("input", {
    type: "file",
    id: "verify-folder",
    webkitdirectory: true,
    multiple: true,
  });
  let last: PickedFile[] = [];
  const run = async (picked: PickedFile[]) => {
    last = picked;
    output.replaceChildren(h("p", null, `Checking ${picked.length} file(s)…`));
    try {
      const check = await checkPackage(picked, keyInput.value);
      if (!check) {
        output.replaceChildren(
          h(
            "p",
            { class: "verdict fail" },
            "No summary.json among the chosen files: choose the whole package folder or all its files.",
          ),
        );
        return;
      }
      output.replaceChildren(
        verdictLine(check, embedded),
        h(
          "p",
          { class: `signature signature-${check.signature.state}`, "data-signature": check.signature.state },
          `Signature: ${check.signature.message}`,
        ),
        resultsTable(check),
      );
    } catch (error) {
      output.replaceChildren(
        h("p", { class: "verdict fail" }, `The files could not be checked: ${(error as Error).message}`),
      );
    }
  };
  const onInput = (input: HTMLInputElement) => () => void run(Array.from(input.files ?? [], fromFile));
  filesInput.addEventListener("change", onInput(filesInput));
  folderInput.addEventListener("change", onInput(folderInput));
  // Pasting the key after choosing the files checks again.
  let timer: ReturnType<typeof setTimeout> | undefined;
  keyInput.addEventListener("input", () => {
    clearTimeout(timer);
    // Only a key pasted after files were chosen checks again (a key typed first waits for them).
    const chosen = last;
    if (chosen.length === 0) return;
    timer = setTimeout(() => void run(chosen), 300);
  });
  const drop = h(
    "div",
    {
      class: "dropzone",
      tabindex: 0,
      role: "group",
      "aria-label": "Drop the package folder or its files here",
    },
    "Drop the package folder (or its files) here",
  );
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    if (event.dataTransfer) void droppedFiles(event.dataTransfer.items).then(run);
  });
  return h(
    "section",
    { class: "verify-panel", id: "verify", "aria-labelledby": "verify-title" },
    h("h2", { id: "verify-title" }, "Verify this package"),
    h(
      "p",
      null,
      "Checks every file's SHA-256 against the manifest in summary.json and, for a signed package, the Ed25519 signature of summary.json. Everything happens in this browser: nothing is uploaded or sent anywhere.",
    ),
    drop,
    h(
      "p",
      { class: "pickers" },
      h("label", { for: "verify-folder" }, "Choose the package folder "),
      folderInput,
      " ",
      h("label", { for: "verify-files" }, "or its files "),
      filesInput,
    ),
    h(
      "p",
      null,
      h(
        "label",
        { for: "verify-key" },
        `Signer's public key (PEM)${keyId ? `; the summary names key id ${keyId}` : ", for signed packages"}`,
      ),
    ),
    keyInput,
    output,
  );
}
