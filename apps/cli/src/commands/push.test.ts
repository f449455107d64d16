import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeEvidencePackage } from "@iddio-compliance/connector-sdk/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type FakeDrata,
  startFakeDrata,
} from "../../../../packages/connectors/drata/src/test-support/fake-drata-server.ts";
import {
  type FakeVanta,
  startFakeVanta,
} from "../../../../packages/connectors/vanta/src/test-support/fake-vanta-server.ts";
import {
  type FakeReceiver,
  startFakeReceiver,
} from "../../../../packages/connectors/webhook/src/test-support/fake-webhook-receiver.ts";
import { runCli } from "../test-support/run-cli.ts";

const CONFIG = `
server:
  listen: ":8443"
compliance:
  source: { audit_log: ~/.iddio }
  connectors:
    - type: vanta
      base_url: \${VANTA_URL}
      client_id: \${VANTA_CLIENT_ID}
      client_secret: \${VANTA_CLIENT_SECRET}
      documents: { CC6.1: access-requests, CC6.2: credential-lifecycle, CC6.3: authorization-changes, CC7.2: monitoring, summary: soc2-summary }
    - { type: drata, base_url: "\${DRATA_URL}", api_key: \${DRATA_API_KEY}, workspace_id: 1, control_ids: { CC6.1: [12] } }
    - { type: webhook, name: grc-hook, url: "\${WEBHOOK_URL}", secret: \${WEBHOOK_SECRET} }
`;

/** `iddio-compliance push …` through the CLI's own entry point. */
function runPush(argv: string[], env: Record<string, string | undefined>, cwd: string) {
  return runCli(["push", ...argv], { env, cwd });
}

describe("iddio-compliance push", () => {
  let dir: string;
  let pkgDir: string;
  let vanta: FakeVanta;
  let drata: FakeDrata;
  let receiver: FakeReceiver;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "push-cli-"));
    pkgDir = await writeEvidencePackage(join(dir, "2026-Q1"));
    await writeFile(join(dir, "server.yaml"), CONFIG);
  });
  beforeEach(async () => {
    [vanta, drata, receiver] = await Promise.all([startFakeVanta(), startFakeDrata(), startFakeReceiver()]);
    env = {
      VANTA_URL: vanta.url,
      VANTA_CLIENT_ID: vanta.clientId,
      VANTA_CLIENT_SECRET: vanta.clientSecret,
      DRATA_URL: drata.url,
      DRATA_API_KEY: drata.apiKey,
      WEBHOOK_URL: receiver.endpoint,
      WEBHOOK_SECRET: receiver.secrets[0] ?? "",
      DEBUG: "iddio-compliance",
    };
  });
  afterEach(async () => {
    await Promise.all([vanta.close(), drata.close(), receiver.close()]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Every secret the run knew: configured ones and the bearer tokens that went over the wire. */
  const secrets = () => [
    env.VANTA_CLIENT_SECRET,
    env.DRATA_API_KEY,
    env.WEBHOOK_SECRET,
    (env.WEBHOOK_SECRET ?? "").slice("whsec_".length),
    ...[...vanta.requests(), ...drata.requests()].flatMap((request) =>
      request.headers.authorization ? [request.headers.authorization.replace(/^Bearer /, "")] : [],
    ),
  ];
  const expectNoSecrets = (text: string) => {
    for (const secret of secrets())
      if (secret) expect(text.includes(secret), "a secret was printed").toBe(false);
  };

  it("pushes a package to Vanta, Drata and a webhook and prints one line per connector and file with the remote id", async () => {
    const { code, stdout, stderr } = await runPush([pkgDir, "--config", "server.yaml"], env, dir);
    expect(stderr).not.toMatch(/FAILED/);
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => line.split("\t"));
    const upload = vanta.uploads("access-requests")[0];
    expect(lines).toContainEqual(["vanta", "cc6.1-access-controls.json", "created", upload?.id, upload?.url]);
    expect(lines.filter(([name]) => name === "vanta" && lines.length)).toHaveLength(6);
    expect(lines).toContainEqual([
      "vanta",
      "audit-log-integrity.json",
      "skipped",
      expect.stringMatching(/documents/),
    ]);
    expect(lines.filter(([name, , status]) => name === "drata" && status === "created")).toHaveLength(6);
    expect(lines.filter(([name]) => name === "grc-hook")).toHaveLength(6);
    expect(drata.evidence()).toHaveLength(6);
    expect(receiver.deliveries()).toHaveLength(1);
    expect(stderr).toContain('"level":"debug"');
    expectNoSecrets(stdout + stderr);
  });

  it("reports an unchanged file on the second push of the same package", async () => {
    await runPush([pkgDir, "--config", "server.yaml"], env, dir);
    const { code, stdout } = await runPush(
      [pkgDir, "--config", "server.yaml", "--connector", "vanta"],
      env,
      dir,
    );
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split("\n")
        .filter((line) => line.includes("\tunchanged\t")),
    ).toHaveLength(5);
    expect(vanta.uploads()).toHaveLength(5);
  });

  it("exits 1 when one connector fails, still pushes to the others, and never prints the secret", async () => {
    const { code, stdout, stderr } = await runPush(
      [pkgDir, "--config", "server.yaml"],
      { ...env, DRATA_API_KEY: "drata-wrong-key-0000" },
      dir,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/^drata\tFAILED\tCONNECTOR_HTTP_401: drata: GET .* answered 401/m);
    expect(stderr).toContain("1 of 3 connector(s) failed");
    expect(stdout).toMatch(/^vanta\t/m);
    expect(stdout).toMatch(/^grc-hook\t/m);
    expect(stdout + stderr).not.toContain("drata-wrong-key-0000");
    expectNoSecrets(stdout + stderr);
  });

  it("pushes only to the connector named by --connector, matching name or type", async () => {
    const byName = await runPush([pkgDir, "--config", "server.yaml", "--connector", "grc-hook"], env, dir);
    expect(byName.code).toBe(0);
    expect(receiver.deliveries()).toHaveLength(1);
    expect(vanta.requests()).toHaveLength(0);
    const byType = await runPush([pkgDir, "--config", "server.yaml", "--connector", "drata"], env, dir);
    expect(byType.code).toBe(0);
    expect(
      byType.stdout
        .trim()
        .split("\n")
        .every((line) => line.startsWith("drata\t")),
    ).toBe(true);
  });

  it("prints what would be sent on --dry-run without any request", async () => {
    const { code, stdout, stderr } = await runPush(
      [pkgDir, "--config", "server.yaml", "--dry-run"],
      env,
      dir,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^vanta\tcc6\.1-access-controls\.json\twould send\tPOST \/v1\/documents\/access-requests\/uploads/m,
    );
    expect(stdout).toMatch(
      /^drata\tcc6\.1-access-controls\.json\twould send\tevidence "iddio-compliance CC6.1 Logical access security"/m,
    );
    expect(stdout).toMatch(/^grc-hook\tsummary\.json\twould send\tPOST /m);
    expect(stderr).toContain("dry run: nothing was sent");
    expect([...vanta.requests(), ...drata.requests(), ...receiver.requests()]).toHaveLength(0);
    expectNoSecrets(stdout + stderr);
  });

  it("exits 2 naming the flag when DIR or --config is missing, or --connector matches nothing", async () => {
    const noConfig = await runPush([pkgDir], env, dir);
    expect(noConfig).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("missing required flag --config"),
    });
    const noDir = await runPush(["--config", "server.yaml"], env, dir);
    expect(noDir).toMatchObject({ code: 2, stderr: expect.stringContaining("exactly one package folder") });
    const unknown = await runPush([pkgDir, "--config", "server.yaml", "--connector", "jira"], env, dir);
    expect(unknown).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--connector jira matches no name or type"),
    });
    const badFlag = await runPush([pkgDir, "--config", "server.yaml", "--bogus"], env, dir);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("--bogus");
  });

  it("exits 2 naming the variable and key when a ${VAR} is not set", async () => {
    const { code, stderr } = await runPush(
      [pkgDir, "--config", "server.yaml"],
      { ...env, VANTA_CLIENT_SECRET: undefined },
      dir,
    );
    expect(code).toBe(2);
    expect(stderr).toContain(
      "server.yaml: environment variable VANTA_CLIENT_SECRET is not set (used at compliance.connectors[0].client_secret)",
    );
    expect(vanta.requests()).toHaveLength(0);
  });

  it("exits 2 naming the connector entry and option when a connector's config is invalid", async () => {
    await writeFile(
      join(dir, "bad.yaml"),
      CONFIG.replace("client_id: ${VANTA_CLIENT_ID}", "clientid: ${VANTA_CLIENT_ID}"),
    );
    const { code, stderr } = await runPush([pkgDir, "--config", "bad.yaml"], env, dir);
    expect(code).toBe(2);
    expect(stderr).toContain(
      'bad.yaml: compliance.connectors[0]: vanta: Missing required option "client_id"; Unknown option "clientid"',
    );
    expect(stderr).not.toContain(env.VANTA_CLIENT_SECRET);
  });

  it("exits 2 with a clear message for a type that is neither built in nor an importable connector package", async () => {
    await writeFile(
      join(dir, "custom.yaml"),
      'compliance:\n  connectors:\n    - { type: "@acme/no-such-connector" }\n    - { type: "node:path" }\n',
    );
    const missing = await runPush([pkgDir, "--config", "custom.yaml"], env, dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'compliance.connectors[0].type: "@acme/no-such-connector" is not a built-in connector (vanta, drata, webhook) and could not be imported',
    );
    const notDefined = await runPush(
      [pkgDir, "--config", "custom.yaml", "--connector", "node:path"],
      env,
      dir,
    );
    expect(notDefined.code).toBe(2);
    expect(notDefined.stderr).toContain(
      'package "node:path" has no default export made with defineConnector',
    );
  });

  it("exits 2 naming the file and sends nothing when the package does not match its manifest", async () => {
    const tampered = await writeEvidencePackage(join(dir, "tampered"));
    await writeFile(join(tampered, "cc6.2-credential-lifecycle.json"), "{}\n");
    const { code, stderr } = await runPush([tampered, "--config", "server.yaml"], env, dir);
    expect(code).toBe(2);
    expect(stderr).toContain('"cc6.2-credential-lifecycle.json"');
    expect([...vanta.requests(), ...drata.requests(), ...receiver.requests()]).toHaveLength(0);
  });
});
