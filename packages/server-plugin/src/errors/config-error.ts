import { ServerPluginError } from "./server-plugin-error.ts";

/** One invalid key of the server config. */
export interface ConfigIssue {
  /** Dotted key path from the config root, e.g. `compliance.auto_export.schedule`. */
  path: string;
  /** What is wrong, without the offending value when it could be a secret. */
  message: string;
}

/** The `compliance` block of the server config is invalid; `issues` names every bad key. */
export class ComplianceConfigError extends ServerPluginError {
  override readonly name = "ComplianceConfigError";
  /** Every invalid key, in config order. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((i) => `${i.path}: ${i.message}`);
    super(
      "CONFIG_INVALID",
      lines.length === 1 ? `Invalid config: ${lines[0]}` : `Invalid config:\n  ${lines.join("\n  ")}`,
      {
        subject: issues[0]?.path,
      },
    );
    this.issues = issues;
  }
}
