import {
  defineConnector,
  type EvidenceFile,
  type EvidencePackage,
  type ReceiptFile,
  type SkippedFile,
} from "@iddio-compliance/connector-sdk";
import { type VantaConfig, vantaConfigSchema } from "./config.ts";
import { createVantaApi, isUploadOf } from "./vanta-api.ts";

function route(
  config: VantaConfig,
  pkg: EvidencePackage,
): { byDocument: Map<string, EvidenceFile[]>; skipped: SkippedFile[] } {
  const byDocument = new Map<string, EvidenceFile[]>();
  const skipped: SkippedFile[] = [];
  for (const file of pkg.files) {
    const documentId = file.criterion ? config.documents[file.criterion] : undefined;
    if (!documentId) {
      skipped.push({
        file: file.name,
        reason: `no Vanta document is mapped to ${file.criterion ?? "this file"} (option documents)`,
      });
      continue;
    }
    byDocument.set(documentId, [...(byDocument.get(documentId) ?? []), file]);
  }
  return { byDocument, skipped };
}

/**
 * Vanta: uploads each file to the document its criterion maps to (`POST /v1/documents/{id}/uploads`,
 * multipart with an explicit part type), skipping files already uploaded with the same digest, and
 * optionally submits the document. It lists a document's uploads before writing to it and again
 * before re-sending an upload, so a push repeated after a crash or a lost answer uploads nothing twice.
 * One OAuth token per application, shared process-wide.
 */
export const vanta = defineConnector({
  name: "vanta",
  config: vantaConfigSchema,
  capabilities: { files: true, idempotent: true, csv: true, structured: false, remoteCheck: true },
  create(config, ctx) {
    const vantaApi = createVantaApi(config, ctx);
    return {
      async check() {
        const documents = [...new Set(Object.values(config.documents))];
        for (const documentId of documents) await vantaApi.listUploads(documentId);
        return { ok: true, detail: `token issued; documents ${documents.join(", ")} reachable` };
      },
      plan(pkg) {
        const { byDocument, skipped } = route(config, pkg);
        const files = [...byDocument].flatMap(([documentId, list]) =>
          list.map((file) => ({
            file: file.name,
            criterion: file.criterion,
            target: `POST /v1/documents/${documentId}/uploads (${file.mediaType}, ${file.size} bytes)`,
          })),
        );
        return { files, skipped };
      },
      async push(pkg) {
        const { byDocument, skipped } = route(config, pkg);
        const files: ReceiptFile[] = [];
        for (const [documentId, list] of byDocument) {
          const existing = await vantaApi.listUploads(documentId);
          for (const file of list) {
            const found = existing.find((item) => isUploadOf(item, file, pkg));
            const stored = found ?? (await vantaApi.upload(documentId, file, pkg));
            if (!found) existing.push(stored);
            files.push({
              file: file.name,
              criterion: file.criterion,
              remote_id: stored.id,
              ...(stored.url ? { url: stored.url } : {}),
              status: found ? "unchanged" : "created",
            });
          }
          // Submitting creates nothing, and a push resumed after a crash between its last upload and
          // the submit must still submit: so submit whenever this package's files are on the document.
          if (config.submit) await vantaApi.submit(documentId);
        }
        return { files, skipped };
      },
    };
  },
});
