/** Server-side environment, validated once at import (zod). Never imported by client components. */
import { z } from "zod";

const schema = z.object({
  CHIRON_API_URL: z.url().default("http://127.0.0.1:8000"),
  /** Display name of the range/fleet in the header (cosmetic). */
  CHIRON_SITE_NAME: z.string().default("Ridgeline range"),
  CHIRON_FLEET: z.string().default("fleet-a"),
  /** Whether the SSO button is wired (it is not yet; the dev issuer is the path). */
  CHIRON_SSO_URL: z.url().optional(),
});

export type ServerEnv = z.infer<typeof schema>;

function load(): ServerEnv {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    throw new Error(`Invalid web environment: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export const env = load();
