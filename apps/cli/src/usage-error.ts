import { IddioComplianceError } from "@iddio-compliance/schema";

/** A mistake in how the command was called: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends IddioComplianceError {
  override readonly name = "UsageError";

  constructor(message: string) {
    super("USAGE", message);
  }
}
