/**
 * Keys as S3 stores them: names with spaces, reserved and non-ASCII characters arrive at exactly
 * the relative path (read back through the AWS SDK, the oracle for how S3 sees them), under the
 * configured prefix; and the optional CRC-32 checksum mode is accepted by the store end to end.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { newBucket } from "../harness/bucket.ts";
import { dspEnv } from "../harness/dsp-env.ts";
import { runDsp } from "../harness/dsp-process.ts";
import { makeWorkDir } from "../harness/workdir.ts";
import { md5hex, payload } from "../support/payload.ts";

const NAMES = [
  "plain.txt",
  "with space/and+plus.txt",
  "percent%20literal.txt",
  "hash#and?question.txt",
  "brackets [1] (2) {3}.txt",
  "quotes 'single' \"double\".txt",
  "amp&semi;colon:equals=.txt",
  "ünïcødé/日本語/файл.txt",
  "emoji 😀.txt",
  "tilde~dash-underscore_dot.txt",
];

describe("keys", () => {
  test("file names with reserved and non-ASCII characters arrive at exactly their path, under the prefix", async () => {
    const bucket = await newBucket("keys");
    const wd = makeWorkDir("keys");
    for (const name of NAMES) {
      mkdirSync(dirname(join(wd.watch, name)), { recursive: true });
      writeFileSync(join(wd.watch, name), `content of ${name}`);
    }
    const r = await runDsp({ env: dspEnv(bucket, wd, { DSP_S3_PREFIX: "site 7/incoming" }), args: ["run", "--once"] });
    expect(r.code).toBe(0);
    expect(await bucket.keys()).toEqual(NAMES.map((n) => `site 7/incoming/${n}`).sort((a, b) => (a < b ? -1 : 1)));
    for (const name of NAMES) {
      expect(new TextDecoder().decode(await bucket.bytes(`site 7/incoming/${name}`))).toBe(`content of ${name}`);
      expect(decodeURIComponent((await bucket.head(`site 7/incoming/${name}`)).metadata["dsp-source"]!)).toBe(name);
    }
  });

  test("DSP_S3_CHECKSUM_MODE=when_supported: CRC-32 checksums on single and multipart uploads are accepted", async () => {
    const bucket = await newBucket("crc");
    const wd = makeWorkDir("crc");
    const small = payload(5000, 1);
    const large = payload(12 * 1024 * 1024, 2);
    writeFileSync(join(wd.watch, "small.bin"), small);
    writeFileSync(join(wd.watch, "large.bin"), large);
    const r = await runDsp({ env: dspEnv(bucket, wd, { DSP_S3_CHECKSUM_MODE: "when_supported", DSP_PART_SIZE: "5MiB" }), args: ["run", "--once"] });
    expect(r.code).toBe(0);
    expect(md5hex(await bucket.bytes("small.bin"))).toBe(md5hex(small));
    expect(md5hex(await bucket.bytes("large.bin"))).toBe(md5hex(large));
  });
});
