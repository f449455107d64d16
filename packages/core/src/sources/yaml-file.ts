import { LineCounter, parseDocument, type YAMLError } from "yaml";
import type { z } from "zod";
import { ComplianceError } from "../errors/compliance-error.ts";

/** Aliases a document may expand (the `yaml` default): a larger count is an alias bomb. */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses an input YAML file's text and validates it; errors name the file, line and key. With
 * `secret`, errors never quote the file (the YAML parser's message can hold a token) or a value.
 * Nothing is printed: the `yaml` library's warnings (an unknown tag, which it would print with
 * the line it sits on) are collected and refused like errors.
 */
export function parseYamlInput<T extends z.ZodType>(
  path: string,
  text: string,
  schema: T,
  options: { secret?: boolean } = {},
): { document: unknown; data: z.infer<T> } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, logLevel: "silent", prettyErrors: false, uniqueKeys: true });
  const problem: YAMLError | undefined = doc.errors[0] ?? doc.warnings[0];
  const refuse = (what: string, detail: string | undefined, line?: number) =>
    new ComplianceError(
      "INPUT_UNREADABLE",
      `${path}${line ? `:${line}` : ""}: ${what}${options.secret || !detail ? "" : `: ${detail}`}`,
      { subject: path },
    );
  if (problem) {
    const line = lineCounter.linePos(problem.pos[0]).line;
    const what = problem.code === "TAG_RESOLVE_FAILED" ? "unknown YAML tag" : "invalid YAML";
    throw refuse(what, problem.message.split("\n")[0], line);
  }
  let document: unknown;
  try {
    document = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (cause) {
    throw refuse("invalid YAML", (cause as Error).message.split("\n")[0]);
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
