import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign } from "node:crypto";
import {
  bitString,
  boolean,
  explicit,
  ia5String,
  implicit,
  integer,
  namedBits,
  octetString,
  oid,
  pem,
  sequence,
  set,
  time,
  utf8String,
} from "./der.ts";

const OID = {
  ed25519: "1.3.101.112",
  organization: "2.5.4.10",
  commonName: "2.5.4.3",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;

/** PKCS#8 prefix of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** An Ed25519 key pair. */
export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The SubjectPublicKeyInfo DER. */
  readonly spki: Buffer;
}

/** A certificate the simulator issued, with the facts lifecycle records carry. */
export interface IssuedCertificate {
  readonly der: Buffer;
  readonly pem: string;
  /** Serial number as lowercase hex (no leading zeros). */
  readonly serial: string;
  /** Lowercase hex SHA-256 of the DER bytes. */
  readonly fingerprint: string;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly spiffeId?: string;
}

/** A certificate authority that can sign further certificates. */
export interface CertificateAuthority {
  readonly commonName: string;
  readonly keys: KeyPair;
  readonly certificate: IssuedCertificate;
}

/** What a certificate says about its subject and validity. */
export interface CertificateRequest {
  readonly commonName: string;
  readonly keys: KeyPair;
  /** Random bytes; the first byte is forced into 0x10–0x7f so the INTEGER is positive and its hex has no leading zero. */
  readonly serial: Uint8Array;
  readonly notBefore: number;
  readonly notAfter: number;
  readonly spiffeId?: string;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly usage: "ca" | "client" | "server";
}

/** Derives an Ed25519 key pair from a 32-byte seed (deterministic keys, deterministic signatures). */
export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  if (seed.length !== 32) throw new RangeError("simulator: an Ed25519 seed has 32 bytes");
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, spki: publicKey.export({ format: "der", type: "spki" }) };
}

function name(commonName: string): Buffer {
  return sequence(
    set(sequence(oid(OID.organization), utf8String("iddio"))),
    set(sequence(oid(OID.commonName), utf8String(commonName))),
  );
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical
    ? sequence(oid(id), boolean(true), octetString(value))
    : sequence(oid(id), octetString(value));
}

function keyIdentifier(keys: KeyPair): Buffer {
  // RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (the raw 32-byte key).
  return createHash("sha1")
    .update(keys.spki.subarray(keys.spki.length - 32))
    .digest();
}

function ipBytes(ip: string): Buffer {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new RangeError(`simulator: only IPv4 SAN addresses are supported, got "${ip}"`);
  }
  return Buffer.from(parts);
}

function extensions(request: CertificateRequest, issuerKeys: KeyPair): Buffer {
  const list: Buffer[] = [];
  if (request.usage === "ca") {
    list.push(extension(OID.basicConstraints, true, sequence(boolean(true))));
    list.push(extension(OID.keyUsage, true, namedBits([5, 6])));
  } else {
    list.push(extension(OID.basicConstraints, true, sequence()));
    list.push(extension(OID.keyUsage, true, namedBits([0])));
    list.push(
      extension(
        OID.extKeyUsage,
        false,
        sequence(oid(request.usage === "client" ? OID.clientAuth : OID.serverAuth)),
      ),
    );
  }
  const altNames: Buffer[] = [];
  for (const dns of request.dnsNames ?? []) altNames.push(ia5String(dns, 0x82));
  if (request.spiffeId !== undefined) altNames.push(ia5String(request.spiffeId, 0x86));
  for (const ip of request.ipAddresses ?? []) altNames.push(implicit(7, ipBytes(ip)));
  if (altNames.length > 0) list.push(extension(OID.subjectAltName, false, sequence(...altNames)));
  list.push(extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(request.keys))));
  list.push(extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, keyIdentifier(issuerKeys)))));
  return explicit(3, sequence(...list));
}

function build(request: CertificateRequest, issuerName: string, issuerKeys: KeyPair): IssuedCertificate {
  if (request.serial.length === 0) throw new RangeError("simulator: a serial needs bytes");
  const serial = Buffer.from(request.serial);
  // 0x10–0x7f: positive, no sign byte, and the hex form has no leading zero.
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x10;
  const algorithm = sequence(oid(OID.ed25519));
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(serial),
    algorithm,
    name(issuerName),
    sequence(time(request.notBefore), time(request.notAfter)),
    name(request.commonName),
    request.keys.spki,
    extensions(request, issuerKeys),
  );
  const signature = sign(null, tbs, issuerKeys.privateKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  return {
    der,
    pem: pem("CERTIFICATE", der),
    serial: serial.toString("hex").replace(/^0+(?=.)/, ""),
    fingerprint: createHash("sha256").update(der).digest("hex"),
    notBefore: Math.floor(request.notBefore / 1000) * 1000,
    notAfter: Math.floor(request.notAfter / 1000) * 1000,
    ...(request.spiffeId === undefined ? {} : { spiffeId: request.spiffeId }),
  };
}

/** Creates a self-signed CA certificate (`iddio init`). */
export function createCertificateAuthority(request: Omit<CertificateRequest, "usage">): CertificateAuthority {
  const certificate = build({ ...request, usage: "ca" }, request.commonName, request.keys);
  return { commonName: request.commonName, keys: request.keys, certificate };
}

/** Issues a certificate signed by `ca`. */
export function issueCertificate(ca: CertificateAuthority, request: CertificateRequest): IssuedCertificate {
  if (request.usage === "ca") throw new RangeError("simulator: use createCertificateAuthority for a CA");
  return build(request, ca.commonName, ca.keys);
}
