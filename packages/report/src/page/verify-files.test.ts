import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkPackage, type PickedFile } from "./verify-files.ts";

/** A file as the panel receives it from the browser. */
function picked(name: string, content: string | Uint8Array): PickedFile {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return { name, size: bytes.byteLength, bytes: async () => bytes.slice().buffer };
}

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/** A small package: two files and a summary whose manifest lists them. */
function pack(extra: Record<string, unknown> = {}) {
  const files = { "a.json": '{"a":1}\n', "b.csv": "x,y\n1,2\n" };
  const summary = JSON.stringify({
    ...extra,
    manifest: Object.entries(files).map(([file, text]) => ({
      file,
      bytes: Buffer.byteLength(text),
      sha256: sha(text),
    })),
  });
  return { files, summary };
}

describe("checkPackage (the verification panel's checks, run on WebCrypto)", () => {
  it("passes a package whose files all match, and needs summary.json to say anything", async () => {
    const { files, summary } = pack();
    const all = [...Object.entries(files).map(([n, t]) => picked(n, t)), picked("summary.json", summary)];
    const check = await checkPackage(all, "");
    expect(check?.intact).toBe(true);
    expect(check?.files.map((f) => f.result)).toEqual(["match", "match"]);
    expect(check?.signature.state).toBe("absent");
    expect(await checkPackage(all.slice(0, 2), "")).toBeNull();
  });

  it("tells a changed byte, a changed size, a missing file, an unlisted file and an unsafe manifest name apart", async () => {
    const { files } = pack();
    const summary = JSON.stringify({
      manifest: [
        ...Object.entries(files).map(([file, text]) => ({
          file,
          bytes: Buffer.byteLength(text),
          sha256: sha(text),
        })),
        { file: "gone.json", bytes: 1, sha256: sha("x") },
        { file: "../etc/passwd", bytes: 1, sha256: sha("x") },
      ],
    });
    const check = await checkPackage(
      [
        picked("a.json", '{"a":2}\n'),
        picked("b.csv", "x,y\n1,22\n"),
        picked("extra.txt", "hi"),
        picked("summary.json", summary),
      ],
      "",
    );
    expect(check?.intact).toBe(false);
    expect(check?.files.map((f) => [f.file, f.result])).toEqual([
      ["a.json", "digest_mismatch"],
      ["b.csv", "size_mismatch"],
      ["gone.json", "missing"],
      ["../etc/passwd", "unsafe_name"],
      ["extra.txt", "not_in_manifest"],
    ]);
  });

  it("verifies an Ed25519 signature given raw (as openssl writes it) or in base64, and matches the key id", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const spki = publicKey.export({ type: "spki", format: "der" });
    const { files, summary } = pack({
      signing: { algorithm: "ed25519", key_id: createHash("sha256").update(spki).digest("hex") },
    });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const signature = sign(null, Buffer.from(summary), privateKey);
    const base = [...Object.entries(files).map(([n, t]) => picked(n, t)), picked("summary.json", summary)];
    for (const sig of [new Uint8Array(signature), signature.toString("base64")]) {
      const check = await checkPackage([...base, picked("summary.json.sig", sig)], pem);
      expect(check?.signature).toMatchObject({ state: "valid", keyIdMatches: true });
      expect(check?.intact).toBe(true);
    }
  });

  it("refuses a signature over other bytes, a key that is not Ed25519, and asks for a key when none is pasted", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("ed25519");
    const { files, summary } = pack();
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const base = [...Object.entries(files).map(([n, t]) => picked(n, t)), picked("summary.json", summary)];
    const forged = picked(
      "summary.json.sig",
      new Uint8Array(sign(null, Buffer.from(`${summary} `), privateKey)),
    );
    expect((await checkPackage([...base, forged], pem))?.signature.state).toBe("invalid");
    expect((await checkPackage([...base, forged], pem))?.intact).toBe(false);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 })
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
    expect((await checkPackage([...base, forged], rsa))?.signature.state).toBe("bad_key");
    expect((await checkPackage([...base, forged], ""))?.signature.state).toBe("no_key");
  });
});
