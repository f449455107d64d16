/**
 * Checks a package's files in the browser, offline: every file's size and SHA-256 against the
 * manifest in the chosen `summary.json` (WebCrypto), and the Ed25519 signature `summary.json.sig`
 * over summary.json's exact bytes with a public key the auditor pastes. Nothing leaves the page.
 */

import {
  checkManifest,
  type ManifestItem,
  type ManifestProblem,
  SIGNATURE_FILE,
  SUMMARY_FILE,
} from "@iddio-compliance/schema/wire";

/** A file the auditor chose or dropped. */
export interface PickedFile {
  name: string;
  size: number;
  bytes(): Promise<ArrayBuffer>;
}

/** The check of one file. */
export interface FileResult {
  file: string;
  result: "match" | ManifestProblem["problem"];
  expected: string | null;
  actual: string | null;
}

/** The signature check. */
export interface SignatureResult {
  state: "absent" | "no_key" | "valid" | "invalid" | "unsupported" | "bad_key";
  message: string;
  /** Whether the pasted key's id equals the summary's `signing.key_id` (null: nothing to compare). */
  keyIdMatches: boolean | null;
}

/** The verdict on the chosen files. */
export interface PackageCheck {
  intact: boolean;
  summary: Record<string, unknown>;
  files: FileResult[];
  signature: SignatureResult;
}

/** A manifest entry of a summary that has not been validated: what is not there compares as empty. */
function manifestItem(value: unknown): ManifestItem {
  const entry = (value ?? {}) as Record<string, unknown>;
  return { file: String(entry.file ?? ""), bytes: Number(entry.bytes), sha256: String(entry.sha256 ?? "") };
}

function fileResult(p: ManifestProblem): FileResult {
  return p.problem === "size_mismatch"
    ? { file: p.file, result: p.problem, expected: `${p.expected} bytes`, actual: `${p.actual} bytes` }
    : { file: p.file, result: p.problem, expected: p.expected, actual: p.actual };
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sha256(bytes: ArrayBuffer): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", bytes));
}

/** Decodes a PEM block (or bare base64) into its bytes; null when it is not base64. */
function pemBytes(text: string): Uint8Array | null {
  const body = text.replace(/-----(BEGIN|END)[^-]*-----/g, "").replace(/\s+/g, "");
  if (body === "" || !/^[A-Za-z0-9+/]+=*$/.test(body)) return null;
  try {
    return Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** A signature file: 64 raw bytes (what openssl writes), or the same in base64 text. */
function signatureBytes(bytes: ArrayBuffer): Uint8Array | null {
  if (bytes.byteLength === 64) return new Uint8Array(bytes);
  const decoded = pemBytes(new TextDecoder().decode(bytes));
  return decoded && decoded.length === 64 ? decoded : null;
}

/** An Ed25519 SubjectPublicKeyInfo is a fixed 12-byte prefix and the 32-byte key. */
const ED25519_SPKI_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

function spkiOf(key: Uint8Array): Uint8Array | null {
  if (key.length === 44 && ED25519_SPKI_PREFIX.every((b, i) => key[i] === b)) return key;
  if (key.length === 32) return Uint8Array.from([...ED25519_SPKI_PREFIX, ...key]);
  return null;
}

async function checkSignature(
  summaryBytes: ArrayBuffer,
  sig: PickedFile | undefined,
  publicKeyPem: string,
  keyId: string | null,
): Promise<SignatureResult> {
  if (!sig) {
    return {
      state: "absent",
      message: keyId
        ? "The summary names a signing key but no summary.json.sig was chosen: choose it too."
        : "The package is not signed (no summary.json.sig).",
      keyIdMatches: null,
    };
  }
  if (publicKeyPem.trim() === "")
    return {
      state: "no_key",
      message: "Paste the signer's public key (PEM) to check summary.json.sig.",
      keyIdMatches: null,
    };
  const raw = pemBytes(publicKeyPem);
  const spki = raw ? spkiOf(raw) : null;
  if (!spki)
    return {
      state: "bad_key",
      message: "The pasted text is not an Ed25519 public key in PEM.",
      keyIdMatches: null,
    };
  const signature = signatureBytes(await sig.bytes());
  if (!signature)
    return {
      state: "invalid",
      message: "summary.json.sig is not a 64-byte Ed25519 signature.",
      keyIdMatches: null,
    };
  const ids = [await sha256(spki.slice().buffer), await sha256(spki.slice(12).buffer)];
  const keyIdMatches = keyId ? ids.includes(keyId.toLowerCase().replace(/^sha256:/, "")) : null;
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("spki", spki.slice().buffer, { name: "Ed25519" }, false, ["verify"]);
  } catch (error) {
    if ((error as DOMException).name === "NotSupportedError")
      return {
        state: "unsupported",
        message:
          "This browser cannot check Ed25519 signatures (WebCrypto has no Ed25519 here). Check it with openssl: openssl pkeyutl -verify -pubin -inkey public.pem -rawin -in summary.json -sigfile summary.json.sig",
        keyIdMatches,
      };
    return {
      state: "bad_key",
      message: "The pasted key could not be read as an Ed25519 public key.",
      keyIdMatches,
    };
  }
  const ok = await crypto.subtle.verify({ name: "Ed25519" }, key, signature.slice().buffer, summaryBytes);
  return ok
    ? {
        state: "valid",
        message:
          keyIdMatches === false
            ? "The signature is valid for the pasted key, but that key's id differs from the summary's key id."
            : "The signature of summary.json is valid for the pasted key.",
        keyIdMatches,
      }
    : {
        state: "invalid",
        message: "The signature does NOT match summary.json and the pasted key.",
        keyIdMatches,
      };
}

/** Checks the chosen files; null when no summary.json is among them. */
export async function checkPackage(
  picked: readonly PickedFile[],
  publicKeyPem: string,
): Promise<PackageCheck | null> {
  const byName = new Map<string, PickedFile>();
  for (const file of picked) byName.set(file.name, file);
  const summaryFile = byName.get(SUMMARY_FILE);
  if (!summaryFile) return null;
  const summaryBytes = await summaryFile.bytes();
  const summary = JSON.parse(new TextDecoder().decode(summaryBytes)) as Record<string, unknown>;
  const manifest = (Array.isArray(summary.manifest) ? summary.manifest : []).map(manifestItem);
  const digests = new Map<string, string>();
  const present = [...byName.values()].map((file) => ({ name: file.name, size: file.size }));
  const problems = await checkManifest({ manifest, signing: summary.signing }, present, async (name) => {
    const digest = await sha256(await (byName.get(name) as PickedFile).bytes());
    digests.set(name, digest);
    return digest;
  });
  const files: FileResult[] = [];
  const seen = new Set<string>();
  for (const entry of manifest) {
    const twice = seen.has(entry.file);
    seen.add(entry.file);
    const at = problems.findIndex((p) => p.file === entry.file && (p.problem === "duplicate") === twice);
    const problem = at === -1 ? undefined : problems.splice(at, 1)[0];
    files.push(
      problem
        ? fileResult(problem)
        : {
            file: entry.file,
            result: "match",
            expected: entry.sha256,
            actual: digests.get(entry.file) ?? null,
          },
    );
  }
  for (const problem of problems) files.push(fileResult(problem));
  const signing = (summary.signing ?? null) as Record<string, unknown> | null;
  const keyId = typeof signing?.key_id === "string" ? signing.key_id : null;
  const signature = await checkSignature(summaryBytes, byName.get(SIGNATURE_FILE), publicKeyPem, keyId);
  const intact =
    files.every((f) => f.result === "match") &&
    signature.state !== "invalid" &&
    signature.state !== "bad_key";
  return { intact, summary, files, signature };
}
