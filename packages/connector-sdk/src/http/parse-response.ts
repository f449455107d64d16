import type { z } from "zod";
import type { ConnectorContext } from "../connector-types.ts";

/**
 * Checks a platform's response body against the schema of its published API: the parsed value, or
 * a `CONNECTOR_RESPONSE_INVALID` error naming the platform, the call and the first field that
 * differs ("Drata answered the evidence list with an unexpected body: data.0.id: …").
 */
export function parseResponse<T>(
  ctx: Pick<ConnectorContext, "error">,
  platform: string,
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw ctx.error(
    "CONNECTOR_RESPONSE_INVALID",
    `${platform} answered ${what} with an unexpected body: ${issue?.path.join(".") || "body"}: ${issue?.message}`,
  );
}
