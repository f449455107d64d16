import { z } from "zod";
import { insecureUrlReason } from "../http/secure-url.ts";

/** A URL option that may receive credentials: `https:`, or plain `http:` only for a loopback host. */
export function secureUrlSchema(): z.ZodString {
  return z.string().superRefine((url, ctx) => {
    const reason = insecureUrlReason(url);
    if (reason) ctx.addIssue({ code: "custom", message: `the URL ${reason}` });
  });
}
