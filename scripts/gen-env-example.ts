/** Writes .env.example from the configuration schema. */
import { writeFileSync } from "node:fs";
import { renderEnvExample } from "./lib/env-example.ts";

writeFileSync(new URL("../.env.example", import.meta.url), renderEnvExample());
console.log("wrote .env.example");
