import { z } from "zod";
import type { Connector, ConnectorContext, CreateConnectorOptions } from "../connector-types.ts";
import { defineConnector } from "../define-connector.ts";
import { tinyPackage } from "./tiny-package.ts";

/** The context `defineConnector` builds, and a way to run code inside a push of that connector. */
export interface Probe {
  ctx: ConnectorContext;
  connector: Connector;
  /** Runs `fn` as the body of a push (so the push's signal applies); resolves with what `fn` returned. */
  inPush<T>(fn: (ctx: ConnectorContext) => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>;
}

/** A connector that does nothing by itself (its secret is `tok-secret-1`), for testing `ctx` through the production factory. */
export function probeConnector(options: CreateConnectorOptions = {}): Probe {
  let captured: ConnectorContext | undefined;
  let body: (ctx: ConnectorContext) => Promise<unknown> = async () => undefined;
  let result: unknown;
  const definition = defineConnector({
    name: "probe",
    config: z.strictObject({ api_key: z.string() }),
    capabilities: { files: false, idempotent: true },
    create(_config, ctx) {
      captured = ctx;
      return {
        async check() {},
        async push() {
          result = await body(ctx);
          return { files: [] };
        },
      };
    },
  });
  const connector = definition.create({ api_key: "tok-secret-1" }, options);
  if (!captured) throw new Error("defineConnector did not call create");
  const ctx = captured;
  return {
    ctx,
    connector,
    async inPush<T>(fn: (ctx: ConnectorContext) => Promise<T>, pushOptions: { signal?: AbortSignal } = {}) {
      body = fn;
      await connector.push(tinyPackage(), pushOptions);
      return result as T;
    },
  };
}
