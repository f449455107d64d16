import { chmodSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ComplianceError } from "../errors/compliance-error.ts";

/**
 * A package directory built in a temporary sibling and renamed into place at the end, so a crash
 * leaves no half-written package (DESIGN §5). Staging folders of dead processes are swept first.
 */
export class AtomicDir {
  readonly target: string;
  readonly staging: string;

  private constructor(target: string, staging: string) {
    this.target = target;
    this.staging = staging;
  }

  static create(target: string, subject = "--output"): AtomicDir {
    const parent = dirname(target);
    try {
      if (!statSync(parent).isDirectory()) throw new Error("not a directory");
    } catch (cause) {
      throw new ComplianceError("INVALID_OPTION", `${subject}: parent folder "${parent}" does not exist`, {
        subject,
        cause,
      });
    }
    if (exists(target)) {
      throw new ComplianceError(
        "OUTPUT_EXISTS",
        `${subject}: "${target}" already exists; choose a new folder or remove it`,
        { subject },
      );
    }
    sweepStale(parent, basename(target));
    const staging = mkdtempSync(join(parent, `.${basename(target)}.tmp-${process.pid}-`));
    // mkdtemp makes the folder private (0700); a package is an ordinary folder once in place.
    chmodSync(staging, 0o755);
    return new AtomicDir(target, staging);
  }

  /** Moves the finished package into place. */
  commit(): void {
    if (exists(this.target)) {
      this.discard();
      throw new ComplianceError(
        "OUTPUT_EXISTS",
        `"${this.target}" appeared while the export ran; nothing was written`,
        { subject: this.target },
      );
    }
    renameSync(this.staging, this.target);
  }

  /** Removes the staging folder. */
  discard(): void {
    rmSync(this.staging, { recursive: true, force: true });
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function sweepStale(parent: string, name: string): void {
  const prefix = `.${name}.tmp-`;
  for (const entry of readdirSync(parent)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split("-")[0]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid))
      rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
