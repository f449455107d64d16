import type { AuditLogIntegrity, CheckpointState } from "@iddio-compliance/schema";
import { listLocation } from "@iddio-compliance/schema/wire";
import type { ScannedBlock } from "../chain/hash-pool.ts";
import type { PeriodFacts } from "../mappers/assessment.ts";
import { AccessControlsMapper } from "../mappers/cc6-1-access-controls.ts";
import { CredentialLifecycleMapper } from "../mappers/cc6-2-credential-lifecycle.ts";
import { AuthorizationChangesMapper } from "../mappers/cc6-3-authorization-changes.ts";
import { MonitoringEvidenceMapper } from "../mappers/cc7-2-monitoring-evidence.ts";
import type { HomeInputs, MapperContext } from "../mappers/mapper-context.ts";
import { PolicyTrail } from "../mappers/policy-trail.ts";
import type { ChainSink, RecordLocation } from "../sources/read-audit-chain.ts";
import { LocalDates, makePeriod } from "../time/period.ts";
import type { EvidenceDocuments } from "../writers/evidence-documents.ts";
import { mapBlock } from "./map-block.ts";
import { RecordDispatch } from "./record-dispatch.ts";

/** What a mapping session needs; plain data, so it can be sent to a mapping thread. */
export interface MappingSetup {
  from: string;
  to: string;
  timeZone: string;
  /** The package's format: reasons point at JSON pointers or CSV files. */
  format: "json" | "csv";
  inputs: HomeInputs;
  /** Folder for spooled lists (outside the package). */
  spoolDir: string;
  now: Date;
  /** The state a checkpoint carries: the records before it are not read again. */
  carried?: CheckpointState | undefined;
}

/** The four criteria documents, and the records no mapper could classify (by kind). */
export interface MappedDocuments {
  docs: Omit<EvidenceDocuments, "integrity">;
  unrecognised: Map<string, number>;
}

/** The four mappers fed from verified blocks: the mapping half of an export, on whichever thread runs it. */
export class MappingSession implements ChainSink {
  readonly #dispatch: RecordDispatch;
  readonly #cc61: AccessControlsMapper;
  readonly #cc62: CredentialLifecycleMapper;
  readonly #cc63: AuthorizationChangesMapper;
  readonly #cc72: MonitoringEvidenceMapper;
  readonly #incomplete: boolean;
  readonly #policy: PolicyTrail;

  constructor(setup: MappingSetup) {
    const period = makePeriod(setup.from, setup.to, setup.timeZone);
    const ctx: MapperContext = {
      period,
      periodHeader: {
        from: period.from,
        to: period.to,
        time_zone: period.timeZone,
        incomplete: period.endMs > setup.now.getTime(),
      },
      listLocation: (doc, pointer) => listLocation(setup.format, doc, pointer),
      dates: new LocalDates(period.timeZone),
      inputs: setup.inputs,
      spoolDir: setup.spoolDir,
      now: setup.now,
    };
    this.#incomplete = ctx.periodHeader.incomplete;
    const carried = setup.carried;
    this.#policy = new PolicyTrail(carried?.policy);
    this.#cc61 = new AccessControlsMapper(ctx, this.#policy, carried?.cc61);
    this.#cc62 = new CredentialLifecycleMapper(ctx, carried?.cc62);
    this.#cc63 = new AuthorizationChangesMapper(ctx, this.#policy, carried?.cc63);
    this.#cc72 = new MonitoringEvidenceMapper(ctx);
    this.#dispatch = new RecordDispatch(
      period,
      this.#policy,
      [this.#cc61, this.#cc62, this.#cc63, this.#cc72],
      carried?.unrecognised,
    );
  }

  /**
   * What a checkpoint carries from the records mapped so far into a later period (docs/data-contract.md
   * §6). Asked between blocks, once every record before the checkpoint has been mapped.
   */
  carry(): CheckpointState {
    return {
      unrecognised: this.#dispatch.carry(),
      policy: this.#policy.carry(),
      cc61: this.#cc61.carry(),
      cc62: this.#cc62.carry(),
      cc63: this.#cc63.carry(),
    };
  }

  block(scanned: ScannedBlock, file: string, firstLine: number): void {
    mapBlock(this.#dispatch, scanned, file, firstLine);
  }

  record(record: Record<string, unknown>, at: RecordLocation): void {
    this.#dispatch.consume(record, at);
  }

  /** The documents, once the whole chain (and any ledger) has been read and verified. */
  async finish(integrity: AuditLogIntegrity): Promise<MappedDocuments> {
    const facts: PeriodFacts = {
      chainVerified: integrity.verified,
      recordsInPeriod: this.#dispatch.recordsInPeriod,
      incomplete: this.#incomplete,
    };
    return {
      docs: {
        cc61: this.#cc61.finish(facts),
        cc62: this.#cc62.finish(facts),
        cc63: this.#cc63.finish(facts),
        cc72: await this.#cc72.finish(integrity, facts),
      },
      unrecognised: this.#dispatch.unrecognised,
    };
  }
}
