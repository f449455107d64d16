import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import type { CredentialPlan } from "./credentials.ts";
import { type PolicyDocument, renderPolicyYaml } from "./policy.ts";

/** Writes the files beside the log: policy, tokens, CA, proxy and agent certificates. Returns their paths. */
export async function writeHomeFiles(
  dir: string,
  policy: PolicyDocument,
  credentials: CredentialPlan,
): Promise<string[]> {
  const written: string[] = [];
  const put = async (path: string, content: string) => {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), content, { flag: "wx" });
    written.push(path);
  };
  await put("policy.yaml", renderPolicyYaml(policy));
  await put(
    "tokens.yaml",
    `# iddio bearer tokens, one per agent (values are secrets; evidence only ever holds their SHA-256).\n${stringify(
      {
        tokens: credentials.tokens.map((t) => ({ agent: t.agent, token: t.token, created_at: t.created_at })),
      },
      { lineWidth: 0 },
    )}`,
  );
  await put("ca.crt", credentials.ca.certificate.pem);
  await put("tls.crt", credentials.proxyCertificate.pem);
  for (const [agent, cert] of credentials.agentCertificates) await put(`agents/${agent}/agent.crt`, cert.pem);
  return written;
}
