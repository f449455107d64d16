import { isComplianceError } from "@iddio-compliance/core";
import { type CliIo, type Command, processIo } from "./cli-io.ts";
import { exportCommand } from "./commands/export.ts";
import { pushCommand } from "./commands/push.ts";
import { sampleCommand } from "./commands/sample.ts";
import { serveCommand } from "./commands/serve.ts";
import { verifyCommand } from "./commands/verify.ts";
import { verifyPackageCommand } from "./commands/verify-package.ts";
import { sanitizeTerminal } from "./terminal/sanitize.ts";
import { UsageError } from "./usage-error.ts";

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  export: { run: exportCommand, summary: "write a SOC 2 evidence package for a period" },
  verify: { run: verifyCommand, summary: "verify the audit log's hash chain" },
  "verify-package": { run: verifyPackageCommand, summary: "check a package against its manifest" },
  push: { run: pushCommand, summary: "push an evidence package to the configured connectors" },
  serve: { run: serveCommand, summary: "run the compliance plugin beside a running iddio (sidecar)" },
  sample: { run: sampleCommand, summary: "write a realistic sample iddio home" },
};

const HELP = `Usage: iddio-compliance <command> [options]

Turns the hash-chained audit log of the iddio AI-agent proxy into SOC 2 Type II evidence.

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`)
  .join("\n")}

Run 'iddio-compliance <command> --help' for a command's options.
Exit codes: 0 ok; 1 evidence produced but the chain did not verify (or a push failed); 2 usage or input error.
`;

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write("iddio-compliance 0.1.0\n");
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`iddio-compliance: unknown command "${sanitizeTerminal(name)}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `iddio-compliance ${name}: ${sanitizeTerminal(error.message)}\nRun 'iddio-compliance ${name} --help' for usage.\n`,
      );
      return 2;
    }
    // Errors of our own packages (coded, message prefixed "[iddio-compliance]") name their file,
    // flag or key already: print them as they are, without a stack.
    if (
      isComplianceError(error) ||
      (error instanceof Error && error.message.startsWith("[iddio-compliance]"))
    ) {
      io.stderr.write(`${sanitizeTerminal((error as Error).message)}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`iddio-compliance ${name}: unexpected error: ${sanitizeTerminal(message)}\n`);
    if (io.env.IDDIO_COMPLIANCE_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return 2;
  }
}
