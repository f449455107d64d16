import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import {
  createFakeServer,
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
} from "@iddio-compliance/connector-sdk/testing";

/** One delivery the receiver accepted. */
export interface FakeDelivery {
  id: string;
  timestamp: number;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  payload: {
    type: string;
    timestamp: string;
    data: {
      package_sha256: string;
      files: Array<{ name: string; inline: boolean; content?: string; encoding?: string; sha256: string }>;
    };
  };
}

/** Options of the receiver. */
export interface FakeReceiverOptions {
  /** Secrets the receiver verifies with. @default one random `whsec_` secret */
  secrets?: string[];
  /** The receiver's clock. @default Date.now */
  now?: () => number;
}

/** A Standard Webhooks receiver that verifies signatures independently and deduplicates by webhook-id. */
export interface FakeReceiver extends FakeServer {
  /** The full endpoint URL. */
  endpoint: string;
  secrets: string[];
  deliveries(): FakeDelivery[];
}

/** A fresh `whsec_` secret. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

// An implementation of the spec written apart from the connector's: node:crypto HMAC, 300 s tolerance.
function verified(request: FakeRequest, secrets: string[], nowMs: number): string | undefined {
  const id = request.headers["webhook-id"];
  const timestamp = request.headers["webhook-timestamp"];
  const signature = request.headers["webhook-signature"];
  if (typeof id !== "string" || typeof timestamp !== "string" || typeof signature !== "string")
    return "missing webhook headers";
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > 300) return "timestamp outside tolerance";
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), request.body]);
  for (const secret of secrets) {
    const expected = createHmac("sha256", Buffer.from(secret.replace(/^whsec_/, ""), "base64"))
      .update(signed)
      .digest();
    for (const part of signature.split(" ")) {
      const [version, value] = part.split(",");
      const offered = Buffer.from(value ?? "", "base64");
      if (version === "v1" && offered.length === expected.length && timingSafeEqual(offered, expected))
        return undefined;
    }
  }
  return "no matching signature";
}

/** Starts the receiver on 127.0.0.1 with a random port; it listens at `/hooks/iddio`. */
export async function startFakeReceiver(options: FakeReceiverOptions = {}): Promise<FakeReceiver> {
  const secrets = options.secrets ?? [newSecret()];
  const now = options.now ?? Date.now;
  const deliveries: FakeDelivery[] = [];

  function handle(request: FakeRequest): FakeResponse {
    if (request.url.pathname !== "/hooks/iddio") return { status: 404, json: { error: "not found" } };
    if (request.method !== "POST") return { status: 405, json: { error: "method not allowed" } };
    if (!/^application\/json\b/i.test(request.headers["content-type"] ?? ""))
      return { status: 415, json: { error: "expected application/json" } };
    const problem = verified(request, secrets, now());
    if (problem)
      return { status: problem === "missing webhook headers" ? 400 : 401, json: { error: problem } };
    const id = String(request.headers["webhook-id"]);
    if (deliveries.some((delivery) => delivery.id === id)) return { status: 200, json: { duplicate: true } };
    let payload: FakeDelivery["payload"];
    try {
      payload = JSON.parse(request.body.toString("utf8"));
    } catch {
      return { status: 400, json: { error: "malformed JSON" } };
    }
    deliveries.push({
      id,
      timestamp: Number(request.headers["webhook-timestamp"]),
      headers: request.headers,
      rawBody: request.body.toString("utf8"),
      payload,
    });
    return { status: 204 };
  }

  const server = await createFakeServer({
    handle,
    storedFiles: () => deliveries.flatMap((delivery) => delivery.payload.data.files.map((file) => file.name)),
  });
  return Object.assign(server, {
    endpoint: `${server.url}/hooks/iddio`,
    secrets,
    deliveries: () => deliveries,
  });
}
