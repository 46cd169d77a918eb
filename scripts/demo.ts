/**
 * Demo on the embedded default: a SeaweedFS S3 server on 127.0.0.1 (data in .demo/s3), a bucket,
 * a demo folder with a few files, a .env for dsp, a one-shot run, the resulting objects, and then
 * dsp watching the folder until Ctrl-C. Run through scripts/demo.sh, which installs prerequisites.
 *   bun scripts/demo.ts [--once]
 */
import { CreateBucketCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { $ } from "bun";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startSeaweedfs } from "../test/harness/seaweedfs.ts";
import { s3ClientFor } from "../test/harness/s3-env.ts";
import { writeLargeFile } from "../test/support/payload.ts";

const root = new URL("..", import.meta.url).pathname;
const demo = join(root, ".demo");
const once = process.argv.includes("--once");
const BUCKET = "dsp-demo";

await $`bun ${join(root, "scripts/build.ts")}`;
rmSync(demo, { recursive: true, force: true });
const watch = join(demo, "watch");
mkdirSync(join(watch, "documents"), { recursive: true });
mkdirSync(join(watch, "exports/2026-11"), { recursive: true });
writeFileSync(join(watch, "documents/report.pdf"), "%PDF-1.7\n% a tiny demo PDF\n");
writeFileSync(join(watch, "documents/notes.txt"), "dsp uploads every completed file to S3 at the same path.\n");
writeFileSync(join(watch, "exports/2026-11/sales.csv"), "id,amount,day\n1,9.99,2026-11-01\n2,19.50,2026-11-02\n");
writeLargeFile(join(watch, "exports/2026-11/backup.bin"), 24 * 1024 * 1024); // multipart: 3 parts of 8 MiB
// An archive: its files land under exports/2026-11/bundle/, its CSV as Parquet, never the .tar.gz.
const bundle = join(demo, "bundle-src");
mkdirSync(join(bundle, "orders"), { recursive: true });
writeFileSync(join(bundle, "orders/orders.csv"), "order,customer,total\n1001,ACME,250.00\n1002,Globex,99.90\n");
writeFileSync(join(bundle, "README.txt"), "files inside an archive go up one by one\n");
Bun.spawnSync(["tar", "czf", join(watch, "exports/2026-11/bundle.tar.gz"), "-C", bundle, "."]);

console.log("starting the local S3 server (SeaweedFS) ...");
const s3 = await startSeaweedfs({ dir: join(demo, "s3") });
const client = s3ClientFor(s3);
await retry(() => client.send(new CreateBucketCommand({ Bucket: BUCKET })));
const envFile = join(demo, ".env");
writeFileSync(
  envFile,
  [
    `DSP_S3_BUCKET=${BUCKET}`,
    `DSP_S3_ENDPOINT=${s3.endpoint}`,
    `DSP_S3_ACCESS_KEY_ID=${s3.accessKeyId}`,
    `DSP_S3_SECRET_ACCESS_KEY=${s3.secretAccessKey}`,
    "DSP_WATCH_DIR=watch",
    "DSP_STABILITY_WINDOW=1s",
    "",
  ].join("\n"),
);

const dsp = join(root, "dist/dsp");
console.log(`\n$ ${dsp} run --once --env-file ${envFile}`);
const first = Bun.spawn([dsp, "run", "--once", "--env-file", envFile], { stdio: ["ignore", "inherit", "inherit"] });
const code = await first.exited;
await listObjects();

if (once || code !== 0) {
  await s3.stop();
  process.exit(code);
}
console.log(`\nNow watching ${watch}: copy files into it and watch them arrive. Ctrl-C stops dsp and the server.`);
console.log(`$ ${dsp} run --env-file ${envFile}`);
const live = Bun.spawn([dsp, "run", "--env-file", envFile], { stdio: ["ignore", "inherit", "inherit"] });
process.on("SIGINT", () => live.kill("SIGTERM"));
await live.exited;
await listObjects();
await s3.stop();

async function listObjects(): Promise<void> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  console.log(`\nobjects in s3://${BUCKET} at ${s3.endpoint}:`);
  for (const o of out.Contents ?? []) console.log(`  ${String(o.Size).padStart(10)}  ${o.ETag}  ${o.Key}`);
}

async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= 50) throw err;
      await Bun.sleep(200);
    }
  }
}
