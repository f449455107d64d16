import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConnectorError, type ConnectorErrorCode } from "../errors/connector-error.ts";
import { parseResponse } from "./parse-response.ts";

const ctx = {
  error: (code: ConnectorErrorCode, message: string) =>
    new ConnectorError({ code, message, connector: "acme" }),
};
const schema = z.object({ data: z.array(z.object({ id: z.number() })) });

describe("parseResponse", () => {
  it("returns the body the schema accepts", () => {
    expect(parseResponse(ctx, "Acme", schema, { data: [{ id: 1 }] }, "the list")).toEqual({
      data: [{ id: 1 }],
    });
  });

  it("names the platform, the call and the first field that differs", () => {
    let caught: unknown;
    try {
      parseResponse(ctx, "Acme", schema, { data: [{ id: "1" }] }, "the list");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConnectorError);
    expect((caught as ConnectorError).code).toBe("CONNECTOR_RESPONSE_INVALID");
    expect((caught as ConnectorError).problem).toMatch(
      /^Acme answered the list with an unexpected body: data\.0\.id: /,
    );
  });

  it("says body when the whole body is wrong", () => {
    expect(() => parseResponse(ctx, "Acme", schema, "not json", "the list")).toThrow(
      /unexpected body: body: /,
    );
  });
});
