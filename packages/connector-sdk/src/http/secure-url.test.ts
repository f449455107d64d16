import { describe, expect, it } from "vitest";
import { insecureUrlReason, isLoopbackHost, joinUrl } from "./secure-url.ts";

describe("secure URLs", () => {
  it("treats 127.0.0.0/8, ::1 and localhost as loopback and nothing else", () => {
    for (const host of ["127.0.0.1", "127.255.0.9", "[::1]", "::1", "localhost", "api.localhost"])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of [
      "128.0.0.1",
      "10.0.0.1",
      "192.168.1.1",
      "::2",
      "localhost.example.com",
      "example.com",
      "0.0.0.0",
    ])
      expect(isLoopbackHost(host)).toBe(false);
  });

  it("allows https anywhere and http only on loopback, never credentials in the URL", () => {
    expect(insecureUrlReason("https://api.vanta.com")).toBeUndefined();
    expect(insecureUrlReason("http://127.0.0.1:8080/x")).toBeUndefined();
    expect(insecureUrlReason("http://api.vanta.com")).toMatch(/must use https/);
    expect(insecureUrlReason("https://u:p@api.vanta.com")).toMatch(/credentials/);
    expect(insecureUrlReason("not a url")).toMatch(/not a URL/);
  });

  it("joins a base that has a path with an absolute path", () => {
    expect(joinUrl("https://h/public/v2/", "/workspaces/1")).toBe("https://h/public/v2/workspaces/1");
  });
});
