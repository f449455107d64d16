import { IddioComplianceError } from "@iddio-compliance/schema";

/** A simulator option or output folder that cannot be used (the caller's mistake, never a bug). */
export class SimulatorError extends IddioComplianceError {
  override readonly name = "SimulatorError";

  constructor(code: "SIMULATOR_OPTION_INVALID" | "SIMULATOR_OUTPUT_NOT_EMPTY", message: string) {
    super(code, message);
  }
}
