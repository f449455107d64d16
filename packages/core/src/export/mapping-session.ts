import type { AuditLogIntegrity } from "@iddio-compliance/schema";
import type { ScannedBlock } from "../chain/hash-pool.ts";
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
  inputs: HomeInputs;
  /** Folder for spooled lists (outside the package). */
  spoolDir: string;
  now: Date;
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

  constructor(setup: MappingSetup) {
    const period = makePeriod(setup.from, setup.to, setup.timeZone);
    const ctx: MapperContext = {
      period,
      dates: new LocalDates(period.timeZone),
      inputs: setup.inputs,
      spoolDir: setup.spoolDir,
      now: setup.now,
    };
    const policy = new PolicyTrail();
    this.#cc61 = new AccessControlsMapper(ctx, policy);
    this.#cc62 = new CredentialLifecycleMapper(ctx);
    this.#cc63 = new AuthorizationChangesMapper(ctx, policy);
    this.#cc72 = new MonitoringEvidenceMapper(ctx);
    this.#dispatch = new RecordDispatch(period, policy, [this.#cc61, this.#cc62, this.#cc63, this.#cc72]);
  }

  block(scanned: ScannedBlock, file: string, firstLine: number): void {
    mapBlock(this.#dispatch, scanned, file, firstLine);
  }

  record(record: Record<string, unknown>, at: RecordLocation): void {
    this.#dispatch.consume(record, at);
  }

  /** The documents, once the whole chain (and any ledger) has been read and verified. */
  async finish(integrity: AuditLogIntegrity): Promise<MappedDocuments> {
    return {
      docs: {
        cc61: this.#cc61.finish(),
        cc62: this.#cc62.finish(),
        cc63: this.#cc63.finish(),
        cc72: await this.#cc72.finish(integrity),
      },
      unrecognised: this.#dispatch.unrecognised,
    };
  }
}
