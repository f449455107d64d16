import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Logger } from "@iddio-compliance/connector-sdk";
import { readJsonFile, writeFileAtomic } from "../util/atomic-write.ts";
import { type HomeSnapshot, readHomeSnapshot } from "./home-snapshot.ts";
import { type DerivedEvent, diffHome } from "./lifecycle-diff.ts";

/**
 * Derives lifecycle records from `policy.yaml`, `tokens.yaml` and the certificates of an iddio
 * home. The last seen state is persisted (fingerprints only), so changes made while the sidecar was
 * down are recorded at the next start; the very first start only records the baseline.
 */
export class HomeWatcher {
  readonly #home: string;
  readonly #baselinePath: string;
  readonly #emit: (event: DerivedEvent) => Promise<void>;
  readonly #now: () => string;
  readonly #logger: Logger;
  #baseline: HomeSnapshot | null | undefined;

  constructor(options: {
    home: string;
    baselinePath: string;
    emit(event: DerivedEvent): Promise<void>;
    now(): string;
    logger: Logger;
  }) {
    this.#home = options.home;
    this.#baselinePath = options.baselinePath;
    this.#emit = options.emit;
    this.#now = options.now;
    this.#logger = options.logger;
  }

  /** Reads the home once and records what changed since the last poll. */
  async poll(): Promise<void> {
    if (this.#baseline === undefined)
      this.#baseline = ((await readJsonFile(this.#baselinePath)) as HomeSnapshot | undefined) ?? null;
    const next = await readHomeSnapshot(this.#home, this.#logger);
    const previous = this.#baseline;
    if (previous) {
      // Records go out before the baseline moves: a crash in between repeats a record, never loses one.
      for (const event of diffHome(previous, next, this.#now())) await this.#emit(event);
    } else {
      this.#logger.info(
        "sidecar: first start, recording the current policy, tokens and certificates as the baseline",
        { home: this.#home },
      );
    }
    // An unreadable file keeps its last good state, so a fixed typo is not mistaken for a change.
    const merged: HomeSnapshot = {
      policy: next.policy ?? previous?.policy ?? null,
      tokens: next.tokens ?? previous?.tokens ?? null,
      certs: next.certs,
    };
    if (JSON.stringify(merged) !== JSON.stringify(previous)) {
      await mkdir(dirname(this.#baselinePath), { recursive: true });
      await writeFileAtomic(this.#baselinePath, `${JSON.stringify(merged)}\n`);
    }
    this.#baseline = merged;
  }
}
