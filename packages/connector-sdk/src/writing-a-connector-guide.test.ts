import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFile(new URL(`../../../${path}`, import.meta.url), "utf8");
const EXAMPLE = "examples/connector-outside-the-repo/";

// The guide's example is the standalone package of examples/connector-outside-the-repo, which
// scripts/check-outside-connector.ts installs from our packed tarballs, runs the conformance kit
// on, and pushes to with the packed CLI; this keeps the guide showing exactly that code.
describe("docs/writing-a-connector.md", () => {
  it("shows the example connector, its fake server, its kit call and its package.json verbatim", async () => {
    const guide = await read("docs/writing-a-connector.md");
    for (const file of ["src/filebox-connector.ts", "test/fake-filebox-server.ts"])
      expect(guide, file).toContain((await read(EXAMPLE + file)).trim());
    // package.json stands in a numbered step, indented by three spaces.
    expect(guide.replaceAll(/^ {3}/gm, "")).toContain((await read(`${EXAMPLE}package.json`)).trim());
    const kitCall = /runConnectorConformance\(\{[\s\S]*?\n\}\);/.exec(
      await read(`${EXAMPLE}test/filebox-connector.test.ts`),
    )?.[0];
    expect(kitCall).toBeDefined();
    expect(guide).toContain(kitCall);
  });
});
