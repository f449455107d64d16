import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { silentLogger } from "@iddio-compliance/connector-sdk";
import { Ledger, type LedgerEntry } from "../ledger/ledger.ts";
import { LedgerFacts } from "../ledger/ledger-facts.ts";
import type { OutboxFiles } from "../outbox/outbox.ts";
import { missingLedgerRecords } from "../outbox/reconcile-ledger.ts";

async function readJsonDir<T>(dir: string): Promise<T[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const out: T[] = [];
  for (const name of names.filter((n) => n.endsWith(".json") && !n.startsWith(".")))
    out.push(JSON.parse(await readFile(join(dir, name), "utf8")) as T);
  return out;
}

/** The ledger's records, after verifying its chain (throws when it does not verify). */
export async function verifiedLedger(stateDir: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  const ledger = await Ledger.open(join(stateDir, "ledger.jsonl"), {
    logger: silentLogger,
    onRecord: (entry) => entries.push(entry),
  });
  await ledger.close();
  if (!ledger.verified) throw new Error(`ledger does not verify: ${JSON.stringify(ledger.findings)}`);
  return entries;
}

/**
 * Every way a state folder's ledger and outbox disagree (empty when they agree): a step the outbox
 * files record and the ledger lacks (failed attempts included), a delivery the ledger records with
 * no delivery file, and any record of an export, deletion, delivery, failed attempt or stall
 * written twice.
 */
export async function ledgerOutboxDisagreements(stateDir: string): Promise<string[]> {
  const entries = await verifiedLedger(stateDir);
  const facts = new LedgerFacts();
  for (const entry of entries) facts.add(entry);
  const outbox = join(stateDir, "outbox");
  const files: OutboxFiles = {
    pending: await readJsonDir(join(outbox, "pending")),
    delivered: await readJsonDir(join(outbox, "delivered")),
    abandoned: await readJsonDir(join(outbox, "abandoned")),
  };
  const problems = missingLedgerRecords(facts, files).map(
    (r) => `ledger lacks ${r.event} of ${r.period_from}_${r.period_to}~${r.connector}`,
  );
  // Every failed attempt before the current state (delivered after n attempts, or pending after n failures) is recorded.
  for (const [push, failed] of [
    ...files.delivered.map((d) => [d, d.attempts - 1] as const),
    ...files.pending.map((p) => [p, p.attempts] as const),
  ]) {
    for (let attempt = 1; attempt <= failed; attempt++)
      if (!facts.failedAttempts.has(`${push.package}~${push.connector}#${attempt}`))
        problems.push(`ledger lacks failed attempt ${attempt} of ${push.package}~${push.connector}`);
  }
  const deliveredFiles = new Set(files.delivered.map((d) => `${d.package}~${d.connector}`));
  const pendingFiles = new Set(files.pending.map((p) => `${p.package}~${p.connector}`));
  for (const key of facts.delivered) {
    if (!deliveredFiles.has(key)) problems.push(`ledger records a delivery of ${key} the outbox does not`);
    if (pendingFiles.has(key)) problems.push(`${key} is both delivered and pending`);
  }
  const seen = new Map<string, number>();
  for (const e of entries) {
    if (!/^(export\.(completed|deleted)|push\.)/.test(e.event)) continue;
    const key = `${e.event} ${String(e.period_from)}_${String(e.period_to)}~${String(e.connector ?? "")}#${String(e.attempt ?? "")}${String(e.error ?? "").startsWith("push abandoned") ? " abandoned" : ""}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  for (const [key, n] of seen) if (n > 1) problems.push(`${key} recorded ${n} times`);
  return problems;
}
