/**
 * The one test command (README): builds the binary the integration tests run, then runs every test.
 * Extra arguments go to `bun test` (e.g. a file filter).
 */
import { $ } from "bun";

const root = new URL("..", import.meta.url).pathname;
await $`bun ${root}scripts/build.ts`;
const args = process.argv.slice(2);
const proc = Bun.spawn(["bun", "test", "--timeout", "300000", ...args], { cwd: root, stdio: ["inherit", "inherit", "inherit"] });
process.exit(await proc.exited);
