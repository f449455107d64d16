import { readFile } from "node:fs/promises";
import { runConnectorConformance } from "@iddio-compliance/connector-sdk/testing";
import { describe, expect, it } from "vitest";
import filebox from "./example-connector.ts";
import { startFakeFilebox } from "./fake-filebox-server.ts";

runConnectorConformance({
  connector: filebox,
  server: () => startFakeFilebox("fb_test_key_123", "evidence"),
  config: (server) => ({ base_url: server.url, api_key: "fb_test_key_123", bucket: "evidence" }),
  write: { method: "PUT" },
});

describe("docs/writing-a-connector.md", () => {
  it("refuses a base_url that would send the API key over plain http to a remote host", () => {
    expect(() =>
      filebox.create({
        base_url: "http://api.filebox.example",
        api_key: "fb_test_key_123",
        bucket: "evidence",
      }),
    ).toThrow(/Invalid option "base_url": the URL must use https/);
  });

  it("shows the example connector, its fake and this kit call verbatim", async () => {
    const guide = await readFile(new URL("../../../../docs/writing-a-connector.md", import.meta.url), "utf8");
    for (const file of ["./example-connector.ts", "./fake-filebox-server.ts"]) {
      expect(guide).toContain((await readFile(new URL(file, import.meta.url), "utf8")).trim());
    }
    const kitCall = /runConnectorConformance\(\{[\s\S]*?\n\}\);/.exec(
      await readFile(new URL(import.meta.url), "utf8"),
    )?.[0];
    expect(kitCall).toBeDefined();
    expect(guide).toContain(kitCall);
  });
});
