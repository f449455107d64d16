import { join } from "node:path";
import type { HomeInputs } from "../mappers/mapper-context.ts";
import { readAgentCertificates, readCertificate } from "./certificates.ts";
import { readPolicyFile } from "./policy-file.ts";
import { listRecordings } from "./recordings.ts";
import { readTokensFile } from "./tokens-file.ts";

/** Reads the optional inputs of an iddio home (DESIGN §3.3); each is `null` when absent. */
export function readHomeInputs(home: string): HomeInputs {
  return {
    home,
    policy: readPolicyFile(home),
    tokens: readTokensFile(home),
    agentCerts: readAgentCertificates(home),
    proxyCert: readCertificate(join(home, "tls.crt")),
    recordings: listRecordings(home),
  };
}
