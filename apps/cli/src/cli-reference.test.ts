import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "./test-support/run-cli.ts";

// The README's CLI reference, each command's usage line, its options list and its exit codes
// must say the same thing, and every flag a help lists must be one the command accepts.
const COMMANDS = [
  "export",
  "verify",
  "verify-package",
  "verify-series",
  "keygen",
  "draw",
  "report",
  "push",
  "serve",
  "sample",
];

const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
const CLI_SECTION = README.slice(README.indexOf("## CLI\n"), README.indexOf("## Verifying the chain"));
const flags = (text: string) => new Set([...text.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]));
const squash = (text: string) => text.replace(/\s+/g, " ").trim();

/** The README block lines of one command: its `iddio-compliance <command> …` line and its continuation lines. */
function readmeUsage(command: string): string {
  const block = (/```\n([\s\S]*?)```/.exec(CLI_SECTION)?.[1] ?? "").split("\n");
  const start = block.findIndex(
    (l) => l.startsWith(`iddio-compliance ${command} `) || l === `iddio-compliance ${command}`,
  );
  if (start === -1) return "";
  const lines = [block[start] as string];
  for (let i = start + 1; i < block.length && /^\s/.test(block[i] as string); i++)
    lines.push(block[i] as string);
  return lines.join("\n");
}

function readmeExitCodes(command: string): string {
  const row = CLI_SECTION.split("\n").find((l) => l.startsWith(`| \`${command}\``));
  return squash(row?.split("|")[2] ?? "");
}

describe("the CLI reference", () => {
  for (const command of COMMANDS) {
    it(`${command}: the README, the usage line and the options list name the same flags and exit codes`, async () => {
      const help = (await runCli([command, "--help"])).stdout;
      const usage = help.slice(0, help.indexOf("\n\n"));
      const options = help.slice(
        help.indexOf("\nOptions:\n"),
        help.indexOf("\n\n", help.indexOf("\nOptions:\n") + 1),
      );
      expect(help, "help has an Options section").toContain("\nOptions:\n");
      const documented = flags(options);
      documented.delete("--help");
      expect([...flags(usage)].sort(), "usage line vs options").toEqual([...documented].sort());
      expect([...flags(readmeUsage(command))].sort(), "README vs options").toEqual([...documented].sort());
      const exit = /\nExit codes: ([\s\S]*?)(\n\n|$)/.exec(help)?.[1];
      expect(exit, "help states its exit codes").toBeDefined();
      expect(readmeExitCodes(command)).toBe(squash(exit as string));
    });

    it(`${command}: accepts every flag its help lists`, async () => {
      const help = (await runCli([command, "--help"])).stdout;
      const options = help.slice(help.indexOf("\nOptions:\n"));
      for (const m of options.matchAll(/^ {2}(--[a-z][a-z-]*)( [A-Z][A-Za-z.]*)?/gm)) {
        const argv = [command, m[1] as string, ...(m[2] ? ["x"] : []), "--help"];
        const r = await runCli(argv);
        expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(0);
      }
    });
  }

  it("lists every command in the general help and in the README", async () => {
    const help = (await runCli(["--help"])).stdout;
    for (const command of COMMANDS) {
      expect(help).toMatch(new RegExp(`^ {2}${command} `, "m"));
      expect(readmeUsage(command), command).not.toBe("");
    }
  });
});
