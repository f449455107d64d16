// Run by pushInNewProcess: push-package-script.ts <package dir> <connector config as JSON>
import { loadEvidencePackage } from "@iddio-compliance/connector-sdk";
import { webhook } from "../webhook-connector.ts";

const [dir, config] = process.argv.slice(2);
if (!dir || !config) throw new Error("usage: push-package-script.ts <package dir> <config JSON>");
await webhook.create(JSON.parse(config)).push(await loadEvidencePackage(dir));
