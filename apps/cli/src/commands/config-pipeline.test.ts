import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeEvidencePackage } from "@iddio-compliance/connector-sdk/testing";
import { readServerConfigFile } from "@iddio-compliance/core";
import { compliancePlugin, createInProcessHost } from "@iddio-compliance/server-plugin";
import { describe, expect, it } from "vitest";
import { runCli, spawnCli } from "../test-support/run-cli.ts";

// One config pipeline: `serve` (the real binary), `push` and the in-process host read the same
// file through the same strict parse, so a typo is the same error everywhere — never a silently
// disabled auto-export.
const TYPO = `server:
  listen: ":8443"
compliance:
  source: { audit_log: ./home }
  auto_exprot:
    enabled: true
    storage: ./evidence
  connectors:
    - { type: webhook, url: "http://127.0.0.1:9/hook", secret: whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ= }
`;
const EXPECTED = 'compliance.auto_exprot: unknown key (did you mean "auto_export"?)';

describe("one config pipeline", () => {
  it("refuses a misspelled key in serve, push and the in-process host alike, naming it with a suggestion", async () => {
    const dir = mkdtempSync(join(tmpdir(), "config-typo-"));
    const config = join(dir, "server.yaml");
    writeFileSync(config, TYPO);

    const child = spawnCli(["serve", "--config", config, "--listen", "127.0.0.1:0"]);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain(`iddio-compliance serve: ${config}: ${EXPECTED}`);

    const pkg = await writeEvidencePackage(join(dir, "package"));
    const push = await runCli(["push", pkg, "--config", config], { cwd: dir, env: {} });
    expect(push.code).toBe(2);
    expect(push.stderr).toContain(`iddio-compliance push: ${config}: ${EXPECTED}`);

    const host = createInProcessHost({ config: await readServerConfigFile(config) });
    await expect(host.use(compliancePlugin({ env: {}, configFile: config }))).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: `${config}: ${EXPECTED}`,
    });
  }, 60_000);
});
