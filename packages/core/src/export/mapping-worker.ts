// The entry of a mapping thread (see mapping-thread.ts): a MappingSession fed by messages.
import { parentPort, workerData } from "node:worker_threads";
import type { AuditLogIntegrity } from "@iddio-compliance/schema";
import type { BlockScan } from "../chain/scan-block.ts";
import { isComplianceError } from "../errors/compliance-error.ts";
import type { RecordLocation } from "../sources/read-audit-chain.ts";
import { MappingSession, type MappingSetup } from "./mapping-session.ts";
import { type MappingReply, packSpools } from "./mapping-wire.ts";

type Message =
  | {
      type: "block";
      buffer: ArrayBuffer;
      offset: number;
      length: number;
      scan: BlockScan;
      file: string;
      firstLine: number;
    }
  | { type: "record"; record: Record<string, unknown>; at: RecordLocation }
  | { type: "carry" }
  | { type: "finish"; integrity: AuditLogIntegrity }
  | { type: "close" };

const port = parentPort;
if (!port) throw new Error("mapping-worker runs as a worker thread");
const reply = (message: MappingReply) => port.postMessage(message);

let session: MappingSession | null = null;
let failed = false;
try {
  session = new MappingSession(workerData as MappingSetup);
} catch (error) {
  fail(error);
}

port.on("message", async (message: Message) => {
  if (message.type === "close") return port.close();
  if (failed || !session) return;
  try {
    if (message.type === "block") {
      const bytes = Buffer.from(message.buffer, message.offset, message.length);
      session.block({ bytes, scan: message.scan }, message.file, message.firstLine);
      // The buffer goes back to be filled again.
      port.postMessage({ type: "mapped", buffer: message.buffer } satisfies MappingReply, [message.buffer]);
    } else if (message.type === "record") {
      session.record(message.record, message.at);
    } else if (message.type === "carry") {
      reply({ type: "carried", state: session.carry() });
    } else if (message.type === "finish") {
      const mapped = await session.finish(message.integrity);
      const { docs, spools } = packSpools(mapped.docs);
      reply({ type: "finished", docs, spools, unrecognised: mapped.unrecognised });
    }
  } catch (error) {
    fail(error);
  }
});

function fail(error: unknown): void {
  failed = true;
  const e = error as { message?: string; stack?: string; code?: string; subject?: string };
  reply({
    type: "failed",
    message: String(e?.message ?? error),
    stack: String(e?.stack ?? ""),
    ...(isComplianceError(error) ? { code: error.code, subject: error.subject } : {}),
  });
}
