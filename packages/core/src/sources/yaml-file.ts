import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { ComplianceError } from "../errors/compliance-error.ts";

/**
 * Parses an input YAML file's text and validates it; errors name the file, line and key. With
 * `secret`, errors never quote the file (the YAML parser's message can hold a token) or a value.
 */
export function parseYamlInput<T extends z.ZodType>(
  path: string,
  text: string,
  schema: T,
  options: { secret?: boolean } = {},
): { document: unknown; data: z.infer<T> } {
  let document: unknown;
  try {
    document = parseYaml(text) ?? {};
  } catch (cause) {
    const line = (cause as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    const detail = options.secret ? "" : `: ${(cause as Error).message.split("\n")[0]}`;
    throw new ComplianceError(
      "INPUT_UNREADABLE",
      `${path}${line ? `:${line}` : ""}: invalid YAML${detail}`,
      options.secret ? { subject: path } : { subject: path, cause },
    );
  }
  const parsed = schema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const expected = (issue as { expected?: string } | undefined)?.expected;
    const message = options.secret
      ? issue?.code === "invalid_type"
        ? `expected ${expected}`
        : "invalid value"
      : issue?.message;
    throw new ComplianceError(
      "INPUT_UNREADABLE",
      `${path}: ${issue?.path.join(".") || "(root)"}: ${message}`,
      { subject: path },
    );
  }
  return { document, data: parsed.data };
}
