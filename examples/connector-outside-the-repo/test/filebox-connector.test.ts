import { runConnectorConformance } from "@iddio-compliance/connector-sdk/testing";
import { describe, expect, it } from "vitest";
import filebox from "../src/filebox-connector.ts";
import { startFakeFilebox } from "./fake-filebox-server.ts";

runConnectorConformance({
  connector: filebox,
  server: () => startFakeFilebox("fb_test_key_123", "evidence"),
  config: (server) => ({ base_url: server.url, api_key: "fb_test_key_123", bucket: "evidence" }),
  write: { method: "PUT" },
});

describe("filebox connector", () => {
  it("refuses a base_url that would send the API key over plain http to a remote host", () => {
    expect(() =>
      filebox.create({
        base_url: "http://api.filebox.example",
        api_key: "fb_test_key_123",
        bucket: "evidence",
      }),
    ).toThrow(/Invalid option "base_url": the URL must use https/);
  });
});
