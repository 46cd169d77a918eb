/** .env.example documents every key with its default: it is generated from the schema and must match. */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { renderEnvExample } from "../../../scripts/lib/env-example.ts";

test(".env.example is up to date with src/config/schema.ts (regenerate: bun scripts/gen-env-example.ts)", () => {
  const committed = readFileSync(new URL("../../../.env.example", import.meta.url), "utf8");
  expect(committed).toBe(renderEnvExample());
});
