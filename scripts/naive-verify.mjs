// The baseline `pnpm bench` compares against: iddio's own way of checking a chain, in JavaScript,
// single-threaded: JSON.parse each line, re-serialise it Go-style (struct order, HTML escapes) with
// the hash blanked, SHA-256 it, compare, check the link. Reads with readline, as a straightforward
// script would. Usage: node scripts/naive-verify.mjs FILE...   (files in chain order)
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import {
  COMMAND_EVENT_FIELDS,
  goMarshalStruct,
  LIFECYCLE_KINDS,
  lifecycleFields,
} from "@iddio-compliance/schema";

const KNOWN = new Set(LIFECYCLE_KINDS);
// A record of a kind we have no struct for: its own key order, as Go would keep for a struct.
const fieldsOf = (event) =>
  typeof event.event !== "string"
    ? COMMAND_EVENT_FIELDS
    : KNOWN.has(event.event)
      ? lifecycleFields(event.event)
      : Object.keys(event).map((name) => ({ name, omitempty: false }));

let prev = "genesis";
let events = 0;
let bad = 0;
for (const file of process.argv.slice(2)) {
  const input = file.endsWith(".gz") ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!line) continue;
    const event = JSON.parse(line);
    const fields = fieldsOf(event);
    const blanked = goMarshalStruct({ ...event, hash: "" }, fields);
    const hash = createHash("sha256").update(blanked).digest("hex");
    if (hash !== event.hash || event.prev_hash !== prev) bad++;
    prev = event.hash;
    events++;
  }
}
console.log(JSON.stringify({ events, bad }));
