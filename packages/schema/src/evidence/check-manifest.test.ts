import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkManifest, describeManifestProblem, type ManifestItem } from "./check-manifest.ts";

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/** A package in memory: file name to content, and the manifest that matches it. */
function pack(files: Record<string, string>): { files: Map<string, string>; manifest: ManifestItem[] } {
  const map = new Map(Object.entries(files));
  const manifest = [...map].map(([file, text]) => ({
    file,
    bytes: Buffer.byteLength(text),
    sha256: sha(text),
  }));
  return { files: map, manifest };
}

/** Runs the check over `files`, recording which files were hashed. */
async function check(
  manifest: readonly ManifestItem[],
  files: Map<string, string>,
  signing: unknown = null,
): Promise<{ problems: Awaited<ReturnType<typeof checkManifest>>; hashed: string[] }> {
  const hashed: string[] = [];
  const present = [...files].map(([name, text]) => ({ name, size: Buffer.byteLength(text) }));
  const problems = await checkManifest({ manifest, signing }, present, (name) => {
    hashed.push(name);
    return sha(files.get(name) ?? "");
  });
  return { problems, hashed };
}

/** Numbers in [0, 1) drawn from the SHA-256 of the seed: every case replays from its seed. */
function draws(seed: number): () => number {
  const bytes = createHash("sha256").update(`check-manifest:${seed}`).digest();
  let at = 0;
  return () => (bytes[at++ % bytes.length] as number) / 256;
}

describe("checkManifest", () => {
  it("finds nothing wrong with a package whose files match its manifest, its summary and signature beside them", async () => {
    const { files, manifest } = pack({ "a.json": "{}", "b.csv": "x,y\n" });
    files.set("summary.json", "{}");
    files.set("summary.json.sig", "s".repeat(64));
    expect((await check(manifest, files, { key_id: "k" })).problems).toEqual([]);
  });

  it("reports a signature file beside an unsigned summary as not listed", async () => {
    const { files, manifest } = pack({ "a.json": "{}" });
    files.set("summary.json.sig", "s".repeat(64));
    expect((await check(manifest, files)).problems).toEqual([
      { file: "summary.json.sig", problem: "not_in_manifest", expected: null, actual: null },
    ]);
  });

  it("names unsafe and duplicated manifest names without reading them", async () => {
    const { files, manifest } = pack({ "a.json": "{}" });
    const entry = manifest[0] as ManifestItem;
    const listed = [
      entry,
      entry,
      { ...entry, file: "../etc/passwd" },
      { ...entry, file: ".hidden" },
      { ...entry, file: "summary.json" },
    ];
    const { problems, hashed } = await check(listed, files);
    expect(problems.map((p) => [p.file, p.problem])).toEqual([
      ["a.json", "duplicate"],
      ["../etc/passwd", "unsafe_name"],
      [".hidden", "unsafe_name"],
      ["summary.json", "unsafe_name"],
    ]);
    expect(hashed).toEqual(["a.json"]);
  });

  it("reports a listed folder as missing, not as a file", async () => {
    const { manifest } = pack({ "a.json": "{}" });
    const problems = await checkManifest({ manifest }, [{ name: "a.json", size: null }], () => {
      throw new Error("a folder is never hashed");
    });
    expect(problems).toEqual([
      { file: "a.json", problem: "missing", expected: manifest[0]?.sha256, actual: "not a regular file" },
    ]);
  });

  it("reports exactly the change made to a matching package, and hashes only listed files of the listed size, over 500 seeds", async () => {
    for (let seed = 1; seed <= 500; seed++) {
      const next = draws(seed);
      const count = 1 + Math.floor(next() * 6);
      const contents: Record<string, string> = {};
      for (let i = 0; i < count; i++) contents[`f${i}.json`] = "x".repeat(1 + Math.floor(next() * 40));
      const { files, manifest } = pack(contents);
      const victim = `f${Math.floor(next() * count)}.json`;
      const text = files.get(victim) as string;
      const change = Math.floor(next() * 4);
      let want: [string, string][];
      if (change === 0) {
        files.delete(victim);
        want = [[victim, "missing"]];
      } else if (change === 1) {
        files.set(victim, `${text}y`);
        want = [[victim, "size_mismatch"]];
      } else if (change === 2) {
        files.set(victim, `${text.slice(1)}y`);
        want = [[victim, "digest_mismatch"]];
      } else {
        files.set("extra.txt", text);
        want = [["extra.txt", "not_in_manifest"]];
      }
      const { problems, hashed } = await check(manifest, files);
      expect(
        problems.map((p) => [p.file, p.problem]),
        `seed ${seed}`,
      ).toEqual(want);
      const hashable = manifest.filter((e) => Buffer.byteLength(files.get(e.file) ?? "") === e.bytes);
      expect(hashed, `seed ${seed}`).toEqual(hashable.filter((e) => files.has(e.file)).map((e) => e.file));
    }
  });

  it("describes each problem in one sentence naming the file", () => {
    expect(
      describeManifestProblem({ file: "a.json", problem: "size_mismatch", expected: "10", actual: "2" }),
    ).toBe('"a.json" has 2 bytes but the manifest says 10');
    expect(
      describeManifestProblem({ file: "x", problem: "not_in_manifest", expected: null, actual: null }),
    ).toBe('"x" is not listed in the manifest');
  });
});
