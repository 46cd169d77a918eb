/** Preloaded by bun test (bunfig.toml): stops the shared S3 server and removes work folders at the end. */
import { afterAll } from "bun:test";
import { stopTestS3 } from "./harness/s3-env.ts";
import { removeAllWorkDirs } from "./harness/workdir.ts";

afterAll(async () => {
  await stopTestS3();
  removeAllWorkDirs();
});
