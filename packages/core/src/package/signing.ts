import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ComplianceError } from "../errors/compliance-error.ts";
import { SIGNATURE_FILE } from "./read-package.ts";

/** The signature scheme of packages: Ed25519 (RFC 8032) over `summary.json`'s exact bytes. */
export const SIGNING_ALGORITHM = "ed25519";

/** File names `keygen` writes. */
export const KEY_FILES = { private: "signing-key.pem", public: "signing-key.pub.pem" } as const;

/**
 * The key id of a public key: hex SHA-256 of its DER SubjectPublicKeyInfo, which is what
 * `openssl pkey -pubin -in signing-key.pub.pem -outform DER | sha256sum` prints.
 */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return createHash("sha256")
    .update(pub.export({ type: "spki", format: "der" }))
    .digest("hex");
}

/** A key pair written by {@link writeSigningKeys}. */
export interface WrittenKeys {
  privateKeyPath: string;
  publicKeyPath: string;
  keyId: string;
}

/**
 * Generates an Ed25519 key pair into `dir` (created if missing): the private key as PKCS#8 PEM,
 * readable by its owner only (mode 0600), and the public key as SPKI PEM. Never overwrites a key.
 */
export function writeSigningKeys(dir: string): WrittenKeys {
  const privateKeyPath = join(dir, KEY_FILES.private);
  const publicKeyPath = join(dir, KEY_FILES.public);
  for (const path of [privateKeyPath, publicKeyPath]) {
    if (existsSync(path))
      throw new ComplianceError("OUTPUT_EXISTS", `${path} already exists (a key is never overwritten)`, {
        subject: path,
      });
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  writeFileSync(privateKeyPath, privateKey.export({ type: "pkcs8", format: "pem" }), {
    mode: 0o600,
    flag: "wx",
  });
  chmodSync(privateKeyPath, 0o600);
  writeFileSync(publicKeyPath, publicKey.export({ type: "spki", format: "pem" }), { flag: "wx" });
  return { privateKeyPath, publicKeyPath, keyId: keyIdOf(publicKey) };
}

/**
 * Reads a key given as PEM text or as the path of a PEM file. `subject` names where it came from
 * (`--sign`, `compliance.signing.key`); errors never quote key material.
 */
function readKey(value: string, subject: string, kind: "private" | "public"): KeyObject {
  const inline = value.includes("-----BEGIN");
  let pem: string;
  if (inline) pem = value;
  else {
    try {
      pem = readFileSync(value, "utf8");
    } catch (cause) {
      // The value may be key material pasted wrong: repeat it (and the cause, which quotes it)
      // only when it looks like a path someone typed.
      const path = looksLikePath(value);
      const code = (cause as NodeJS.ErrnoException).code ?? "unreadable";
      throw new ComplianceError(
        "KEY_INVALID",
        `${subject}: cannot read the key file${path ? ` "${value}"` : ""} (${code}), and it is not PEM text`,
        path ? { subject, cause } : { subject },
      );
    }
  }
  let key: KeyObject;
  try {
    key = kind === "private" ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    // The parser's message can quote the input: leave it (and the cause) out.
    throw new ComplianceError("KEY_INVALID", `${subject}: not a ${kind} key in PEM form`, { subject });
  }
  if (key.asymmetricKeyType !== SIGNING_ALGORITHM)
    throw new ComplianceError(
      "KEY_INVALID",
      `${subject}: a ${key.asymmetricKeyType ?? "symmetric"} key; packages are signed with Ed25519 (run keygen)`,
      { subject },
    );
  return key;
}

/** Reads an Ed25519 private key (PEM text or a file path). */
export function readPrivateKey(value: string, subject: string): KeyObject {
  return readKey(value, subject, "private");
}

/** Reads an Ed25519 public key (PEM text or a file path); a private key gives its public half. */
export function readPublicKey(value: string, subject: string): KeyObject {
  return readKey(value, subject, "public");
}

/** A file path a user typed, fit to repeat in an error (never something that may be key material). */
function looksLikePath(value: string): boolean {
  return value.length <= 512 && !/[\r\n]/.test(value) && !/^[A-Za-z0-9+/=]{40,}$/.test(value);
}

/** The raw 64-byte Ed25519 signature of `bytes`. */
export function signBytes(bytes: Uint8Array, key: KeyObject): Buffer {
  return sign(null, bytes, key);
}

/** Whether `signature` is a valid Ed25519 signature of `bytes` by `key`. */
export function verifySignature(bytes: Uint8Array, signature: Uint8Array, key: KeyObject): boolean {
  if (signature.length !== 64) return false;
  return verify(null, bytes, key, signature);
}

/** The summary's `signing` field for `key` (its key id is inside the signed bytes). */
export function summarySigning(key: KeyObject): { algorithm: typeof SIGNING_ALGORITHM; key_id: string } {
  return { algorithm: SIGNING_ALGORITHM, key_id: keyIdOf(key) };
}

/** Signs the `summary.json` already written in `dir` into `summary.json.sig` (64 raw bytes). */
export function writeSummarySignature(dir: string, key: KeyObject): void {
  const signature = signBytes(readFileSync(join(dir, "summary.json")), key);
  writeFileSync(join(dir, SIGNATURE_FILE), signature, { flag: "wx" });
}
