import { isIddioComplianceError } from "@iddio-compliance/schema";
import { type CliIo, type Command, processIo } from "./cli-io.ts";
import { sanitizeTerminal } from "./terminal/sanitize.ts";
import { UsageError } from "./usage-error.ts";

// Each command is loaded when it runs: `verify` never pays for the connectors, the AWS SDK or the simulator.
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  export: {
    load: async () => (await import("./commands/export.ts")).exportCommand,
    summary: "write a SOC 2 evidence package for a period",
  },
  verify: {
    load: async () => (await import("./commands/verify.ts")).verifyCommand,
    summary: "verify the audit log's hash chain",
  },
  "verify-package": {
    load: async () => (await import("./commands/verify-package.ts")).verifyPackageCommand,
    summary: "check a package: manifest, meaning, signature (--key), a sample (--sample)",
  },
  "verify-series": {
    load: async () => (await import("./commands/verify-series.ts")).verifySeriesCommand,
    summary: "check packages as one series: contiguous, linked, one chain, one key",
  },
  draw: {
    load: async () => (await import("./commands/draw.ts")).drawCommand,
    summary: "draw a reproducible auditor sample with inclusion proofs",
  },
  keygen: {
    load: async () => (await import("./commands/keygen.ts")).keygenCommand,
    summary: "write an Ed25519 key pair for signing packages",
  },
  report: {
    load: async () => (await import("./commands/report.ts")).reportCommand,
    summary: "print a package's report.html to PDF",
  },
  push: {
    load: async () => (await import("./commands/push.ts")).pushCommand,
    summary: "push an evidence package to the configured connectors",
  },
  serve: {
    load: async () => (await import("./commands/serve.ts")).serveCommand,
    summary: "run the compliance plugin beside a running iddio (sidecar)",
  },
  sample: {
    load: async () => (await import("./commands/sample.ts")).sampleCommand,
    summary: "write a realistic sample iddio home",
  },
};

const HELP = `Usage: iddio-compliance <command> [options]

Turns the hash-chained audit log of the iddio AI-agent proxy into SOC 2 Type II evidence.

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`)
  .join("\n")}

Run 'iddio-compliance help <command>' (or '<command> --help') for a command's options.
Exit codes: 0 ok; 1 evidence produced but the chain did not verify (or a push failed); 2 usage or input error.
`;

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [first, ...after] = argv;
  // `help export` is `export --help`.
  const helpFor = first === "help" && after[0] !== undefined && Object.hasOwn(COMMANDS, after[0]);
  const [name, ...rest] = helpFor ? [after[0] as string, "--help"] : [first, ...after];
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
    const run = await command.load();
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `iddio-compliance ${name}: ${sanitizeTerminal(error.message)}\nRun 'iddio-compliance ${name} --help' for usage.\n`,
      );
      return 2;
    }
    // Errors of our own packages (recognised by type, coded) name their file, flag, key or
    // connector already: one line, without a stack.
    if (isIddioComplianceError(error)) {
      io.stderr.write(`iddio-compliance ${name}: ${sanitizeTerminal(error.message)}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`iddio-compliance ${name}: unexpected error: ${sanitizeTerminal(message)}\n`);
    if (io.env.IDDIO_COMPLIANCE_DEBUG && error instanceof Error) io.stderr.write(`${error.stack}\n`);
    return 2;
  }
}
