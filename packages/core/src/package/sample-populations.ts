/**
 * What an auditor can sample, in one place: where each population's items are and how an item
 * leads to its log line.
 *
 * - `segment`: every event of the period's Merkle tree; item k is leaf k.
 * - `list`: the rows a criterion file lists (every one), each naming its log line by `file` and
 *   `line`; item k is row k. The checker compares each drawn row with the package's.
 * - `records`: the events of the period's tree that a record test selects, in chain order; the
 *   package only counts these, so the checker can confirm each item is one (its line, its proof)
 *   but its rank among them needs the log (draw again and compare).
 */
export type PopulationSource =
  | { kind: "segment" }
  | { kind: "list"; file: string; pointer: string }
  | { kind: "records"; test: (record: Record<string, unknown>) => boolean; description: string };

const isCommand = (r: Record<string, unknown>) => r.event === undefined;

export const POPULATIONS = {
  events: { kind: "segment" },
  denied_requests: { kind: "list", file: "cc6.1-access-controls.json", pointer: "/denied_requests/items" },
  break_glass: { kind: "list", file: "cc6.3-authorization-changes.json", pointer: "/break_glass/items" },
  escalations: {
    kind: "records",
    test: (r) => isCommand(r) && r.decision === "escalate",
    description: 'command events with "decision": "escalate"',
  },
  approvals: {
    kind: "records",
    test: (r) =>
      r.event === "approval.granted" ||
      r.event === "approval.denied" ||
      r.event === "approval.expired" ||
      (isCommand(r) && typeof r.approval === "string"),
    description: 'approval.granted/denied/expired records and command events with an "approval" outcome',
  },
  policy_changes: {
    kind: "records",
    test: (r) => r.event === "policy.changed",
    description: "policy.changed records in the audit log",
  },
} as const satisfies Record<string, PopulationSource>;

/** A population name `draw --population` takes. */
export type PopulationName = keyof typeof POPULATIONS;

/** Whether `name` is a population (for flags and sample files). */
export function isPopulation(name: string): name is PopulationName {
  return Object.hasOwn(POPULATIONS, name);
}
