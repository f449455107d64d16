import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { type AuditLogIntegrity, type SampleFile, sampleFileSchema } from "@iddio-compliance/schema";
import { readRecordLine } from "../chain/chain-verifier.ts";
import { sha256HexOfParts } from "../chain/sha256.ts";
import { ComplianceError } from "../errors/compliance-error.ts";
import { jsonPointer } from "./meaning.ts";
import { eventLeafHash, verifyInclusion } from "./merkle-tree.ts";
import { readPackageJson, readSummaryFile } from "./read-package.ts";
import { isPopulation, POPULATIONS } from "./sample-populations.ts";
import { selectionKey, selectPositions } from "./sample-selection.ts";

/** One problem of a sample; `draw` is the item's draw number, or null for the sample as a whole. */
export interface SampleProblem {
  draw: number | null;
  problem: "other_package" | "population" | "selection" | "line" | "proof" | "evidence";
  message: string;
}

/** The verdict of {@link verifySample}. */
export interface SampleVerdict {
  ok: boolean;
  population: string;
  items: number;
  problems: SampleProblem[];
  /**
   * Whether each item's rank in its population was checked too: for populations the package
   * lists or that are its Merkle leaves; not for those it only counts (the log would be needed).
   */
  ranksChecked: boolean;
}

/**
 * Checks a sample file against a package, with nothing but the package: it belongs to this
 * package (summary digest, Merkle root); its positions are the ones its seed gives; every item's
 * log line hashes to its event hash, whose leaf proves into the Merkle root at its index; and
 * every item's evidence is the package's row (or the logged event itself).
 */
export function verifySample(dir: string, sampleFile: string): SampleVerdict {
  const sample = readSample(sampleFile);
  const summaryFile = readSummaryFile(dir);
  const { summary } = summaryFile;
  const problems: SampleProblem[] = [];
  const whole = (problem: SampleProblem["problem"], message: string) =>
    problems.push({ draw: null, problem, message });
  const meta = sample.sample;
  const done = (ranksChecked: boolean): SampleVerdict => ({
    ok: problems.length === 0,
    population: meta.population,
    items: sample.items.length,
    problems,
    ranksChecked,
  });

  const merkle = summary.merkle;
  if (meta.package.summary_sha256 !== summaryFile.sha256)
    whole(
      "other_package",
      `drawn from a package whose summary.json has SHA-256 ${meta.package.summary_sha256}; this one's is ${summaryFile.sha256}`,
    );
  if (!merkle) {
    whole("other_package", "this package has no Merkle root");
    return done(false);
  }
  if (meta.package.merkle_root !== merkle.root || meta.package.merkle_size !== merkle.size)
    whole(
      "other_package",
      `drawn against Merkle root ${meta.package.merkle_root} (${meta.package.merkle_size} events); this package's is ${merkle.root} (${merkle.size})`,
    );
  const integrity = readPackageJson(dir, summary.integrity.file) as AuditLogIntegrity;
  if (!isPopulation(meta.population)) {
    whole("population", `unknown population "${meta.population}"`);
    return done(false);
  }
  const spec = POPULATIONS[meta.population];

  // The population's size, where the package states it.
  let rows: unknown[] | null = null;
  if (spec.kind === "segment" && meta.population_size !== merkle.size)
    whole("population", `population_size ${meta.population_size}, but the period has ${merkle.size} events`);
  if (spec.kind === "list") {
    const list = jsonPointer(readPackageJson(dir, spec.file), spec.pointer);
    rows = Array.isArray(list) ? list : [];
    if (meta.population_size !== rows.length)
      whole("population", `population_size ${meta.population_size}, but ${spec.file} lists ${rows.length}`);
  }

  // The positions are the seed's.
  const key = selectionKey(meta.population, summaryFile.sha256, meta.seed);
  if (meta.key !== key)
    whole(
      "selection",
      `the key ${meta.key} is not the one seed "${meta.seed}" gives with this package (${key})`,
    );
  const positions = selectPositions(key, meta.population_size, meta.size);
  const drawn = sample.items.map((i) => i.position);
  if (positions.length !== drawn.length)
    whole(
      "selection",
      `seed "${meta.seed}" gives ${positions.length} item(s); the sample has ${drawn.length}`,
    );
  positions.forEach((want, i) => {
    const item = sample.items[i];
    if (item && item.position !== want)
      problems.push({
        draw: item.draw,
        problem: "selection",
        message: `draw ${i + 1}: seed "${meta.seed}" gives position ${want}; the sample has ${item.position}`,
      });
  });

  const firstIndex = merkle.first?.index ?? 0;
  for (const [i, item] of sample.items.entries()) {
    const found = checkItem(item, i, { integrity, merkle, firstIndex, spec, rows });
    for (const [problem, message] of found)
      problems.push({
        draw: item.draw,
        problem,
        message: `draw ${item.draw} (${item.file}:${item.line}): ${message}`,
      });
  }
  return done(spec.kind !== "records");
}

function readSample(path: string): SampleFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new ComplianceError("INVALID_OPTION", `--sample: ${path}: ${(cause as Error).message}`, {
      subject: "--sample",
      cause,
    });
  }
  const parsed = sampleFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ComplianceError(
      "INVALID_OPTION",
      `--sample: ${path}: not a sample file (${issue?.path.join(".") || "(root)"}: ${issue?.message})`,
      {
        subject: "--sample",
      },
    );
  }
  return parsed.data;
}

type ItemProblem = [SampleProblem["problem"], string];

/** What is wrong with one item (the first problem of each chain of checks). */
function checkItem(
  item: SampleFile["items"][number],
  place: number,
  ctx: {
    integrity: AuditLogIntegrity;
    merkle: { root: string; size: number };
    firstIndex: number;
    spec: (typeof POPULATIONS)[keyof typeof POPULATIONS];
    rows: unknown[] | null;
  },
): ItemProblem[] {
  const out: ItemProblem[] = [];
  const { merkle, spec, rows } = ctx;
  if (item.draw !== place + 1) out.push(["selection", `listed as draw ${item.draw} at place ${place + 1}`]);
  const bytes = Buffer.from(item.log_line, "utf8");
  const read = readRecordLine(bytes);
  if ("error" in read) return [...out, ["line", `the log line is not a record (${read.error})`]];
  const [a, b] =
    ctx.integrity.hash_mode === "omit"
      ? [bytes.subarray(0, read.span.memberStart), bytes.subarray(read.span.memberEnd)]
      : [bytes.subarray(0, read.span.valueStart), bytes.subarray(read.span.valueEnd)];
  const computed = sha256HexOfParts(a, b);
  if (read.hash !== item.event_hash || computed !== item.event_hash)
    return [
      ...out,
      [
        "line",
        `the log line hashes to ${computed} (its hash field says ${read.hash}); the item says ${item.event_hash}: the line was edited`,
      ],
    ];
  if (eventLeafHash(item.event_hash).toString("hex") !== item.leaf_hash)
    return [
      ...out,
      ["proof", `leaf_hash ${item.leaf_hash} is not the leaf of event hash ${item.event_hash}`],
    ];
  if (item.leaf_index !== item.event_index - ctx.firstIndex)
    out.push([
      "proof",
      `leaf ${item.leaf_index} is not event ${item.event_index} (the period starts at event ${ctx.firstIndex})`,
    ]);
  if (!verifyInclusion(item.leaf_hash, item.leaf_index, merkle.size, item.proof, merkle.root))
    return [
      ...out,
      [
        "proof",
        `the inclusion proof does not lead from leaf ${item.leaf_index} to the Merkle root ${merkle.root}`,
      ],
    ];
  if (spec.kind === "segment" && item.position !== item.leaf_index)
    out.push([
      "selection",
      `position ${item.position} of the period's events is leaf ${item.position}, not ${item.leaf_index}`,
    ]);
  if (rows && spec.kind === "list") {
    const row = rows[item.position] as Record<string, unknown> | undefined;
    if (!isDeepStrictEqual(item.evidence, row))
      return [...out, ["evidence", `the evidence is not row ${item.position} of ${spec.file}`]];
    if (row?.file !== item.file || row?.line !== item.line)
      return [
        ...out,
        ["evidence", `row ${item.position} names ${String(row?.file)}:${String(row?.line)}, not this line`],
      ];
    for (const [k, v] of Object.entries(row ?? {}))
      if (
        k !== "file" &&
        k !== "line" &&
        Object.hasOwn(read.record, k) &&
        !isDeepStrictEqual(read.record[k], v)
      )
        return [
          ...out,
          [
            "evidence",
            `the row's ${k} is ${JSON.stringify(v)}, the log line's is ${JSON.stringify(read.record[k])}`,
          ],
        ];
    return out;
  }
  if (!isDeepStrictEqual(item.evidence, read.record))
    return [...out, ["evidence", "the evidence is not the logged event"]];
  if (spec.kind === "records" && !spec.test(read.record))
    out.push(["evidence", `the event is not one of ${spec.description}`]);
  return out;
}
