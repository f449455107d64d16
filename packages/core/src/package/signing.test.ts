import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isComplianceError } from "../errors/compliance-error.ts";
import {
  KEY_FILES,
  keyIdOf,
  readPrivateKey,
  readPublicKey,
  signBytes,
  verifySignature,
  writeSigningKeys,
} from "./signing.ts";

// openssl is a CI requirement (.ci/run installs it): these tests prove an auditor needs nothing of ours.
function openssl(args: string[], input?: Buffer) {
  const r = spawnSync("openssl", args, { input });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr.toString() };
}

const temp = () => mkdtempSync(join(tmpdir(), "iddio-keys-"));

describe("package signing keys", () => {
  it("writes a private key only its owner can read and a public key PEM, and never overwrites them", () => {
    const dir = join(temp(), "keys");
    const keys = writeSigningKeys(dir);
    expect(statSync(keys.privateKeyPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(keys.publicKeyPath, "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    let error: unknown;
    try {
      writeSigningKeys(dir);
    } catch (e) {
      error = e;
    }
    expect(isComplianceError(error) && error.code).toBe("OUTPUT_EXISTS");
    expect(readFileSync(keys.privateKeyPath, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it("gives the key id openssl computes: SHA-256 of the DER public key", () => {
    const keys = writeSigningKeys(temp());
    const der = openssl(["pkey", "-pubin", "-in", keys.publicKeyPath, "-outform", "DER"]);
    expect(der.code).toBe(0);
    const digest = openssl(["dgst", "-sha256", "-r"], der.out).out.toString().split(" ")[0];
    expect(keys.keyId).toBe(digest);
    expect(keyIdOf(readPrivateKey(keys.privateKeyPath, "--sign"))).toBe(keys.keyId);
  });

  it("signs bytes so that openssl pkeyutl verifies the raw 64-byte signature, and rejects one changed byte", () => {
    const dir = temp();
    const keys = writeSigningKeys(dir);
    const message = Buffer.from('{"status":"attention"}\n');
    const signature = signBytes(message, readPrivateKey(keys.privateKeyPath, "--sign"));
    expect(signature).toHaveLength(64);
    writeFileSync(join(dir, "m"), message);
    writeFileSync(join(dir, "m.sig"), signature);
    const check = (file: string) =>
      openssl([
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        keys.publicKeyPath,
        "-rawin",
        "-in",
        join(dir, file),
        "-sigfile",
        join(dir, "m.sig"),
      ]);
    expect(check("m").code).toBe(0);
    writeFileSync(join(dir, "edited"), Buffer.from('{"status":"ok"}\n'));
    expect(check("edited").code).not.toBe(0);
  });

  it("verifies a signature openssl made with a key openssl generated", () => {
    const dir = temp();
    expect(openssl(["genpkey", "-algorithm", "ed25519", "-out", join(dir, "k.pem")]).code).toBe(0);
    expect(openssl(["pkey", "-in", join(dir, "k.pem"), "-pubout", "-out", join(dir, "p.pem")]).code).toBe(0);
    writeFileSync(join(dir, "m"), "summary bytes");
    expect(
      openssl([
        "pkeyutl",
        "-sign",
        "-inkey",
        join(dir, "k.pem"),
        "-rawin",
        "-in",
        join(dir, "m"),
        "-out",
        join(dir, "m.sig"),
      ]).code,
    ).toBe(0);
    const pub = readPublicKey(join(dir, "p.pem"), "--key");
    expect(verifySignature(readFileSync(join(dir, "m")), readFileSync(join(dir, "m.sig")), pub)).toBe(true);
    expect(verifySignature(Buffer.from("summary byteS"), readFileSync(join(dir, "m.sig")), pub)).toBe(false);
  });

  it("reads a key given inline as PEM text (a ${VAR} of the plugin's config)", () => {
    const keys = writeSigningKeys(temp());
    const pem = readFileSync(keys.privateKeyPath, "utf8");
    expect(keyIdOf(readPrivateKey(pem, "compliance.signing.key"))).toBe(keys.keyId);
  });

  it("names the flag and never quotes key material when a key is unusable", () => {
    const dir = temp();
    const keys = writeSigningKeys(dir);
    const pem = readFileSync(keys.privateKeyPath, "utf8");
    const mangled = pem.replace(/[A-Za-z]{10}/, "AAAAAAAAAA");
    const body = pem.split("\n")[1] as string;
    for (const [value, code] of [
      [mangled, "KEY_INVALID"],
      [body, "KEY_INVALID"],
      [join(dir, "missing.pem"), "KEY_INVALID"],
    ] as const) {
      let error: unknown;
      try {
        readPrivateKey(value, "--sign");
      } catch (e) {
        error = e;
      }
      expect(isComplianceError(error) && error.code).toBe(code);
      const message = (error as Error).message;
      expect(message).toContain("--sign");
      expect(message).not.toContain(body.slice(0, 20));
      expect(String((error as Error).cause ?? "")).not.toContain(body.slice(0, 20));
    }
  });

  it("refuses a key that is not Ed25519", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(() => readPrivateKey(pem, "--sign")).toThrow(/--sign: a ec key; packages are signed with Ed25519/);
  });

  it("names its files signing-key.pem and signing-key.pub.pem", () => {
    expect(KEY_FILES).toEqual({ private: "signing-key.pem", public: "signing-key.pub.pem" });
  });
});
