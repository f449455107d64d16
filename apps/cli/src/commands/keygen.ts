import { resolve } from "node:path";
import { writeSigningKeys } from "@iddio-compliance/core";
import type { Command } from "../cli-io.ts";
import { parseFlags, required } from "../parse-flags.ts";

export const KEYGEN_HELP = `Usage: iddio-compliance keygen --output DIR

Writes an Ed25519 key pair for signing evidence packages:
  DIR/signing-key.pem       the private key (PKCS#8 PEM, readable by its owner only): give it to
                            export --sign or the plugin's signing.key; never share it
  DIR/signing-key.pub.pem   the public key: give it to your auditor (verify-package --key)
and prints the key id, the SHA-256 of the public key, which every signed summary.json names.
An auditor computes it with: openssl pkey -pubin -in signing-key.pub.pem -outform DER | sha256sum

Existing key files are never overwritten.

Options:
  --output DIR   folder for the two key files (created when missing)
  -h, --help     show this help

Exit codes: 0 written; 2 usage error or a key file already there.
`;

/** `iddio-compliance keygen`. */
export const keygenCommand: Command = async (argv, io) => {
  const { values } = parseFlags(argv, { output: { type: "string", short: "o" } });
  if (values.help) {
    io.stdout.write(KEYGEN_HELP);
    return 0;
  }
  const keys = writeSigningKeys(resolve(io.cwd, required(values.output, "--output")));
  io.stdout.write(
    `private key: ${keys.privateKeyPath} (mode 0600: keep it secret)\npublic key:  ${keys.publicKeyPath}\nkey id:      ${keys.keyId}\n`,
  );
  return 0;
};
