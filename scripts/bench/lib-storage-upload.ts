/**
 * The design card's upload helper as a benchmark peer: @aws-sdk/lib-storage's Upload streaming one
 * local file (8 MiB parts, 4 in flight: its defaults are 5 MiB and 4) through the SDK client with
 * the checksum mode every S3-compatible store accepts. dsp replaced it with its own S3 sink; this
 * row keeps the reason measured.
 *   bun scripts/bench/lib-storage-upload.ts FILE ENDPOINT BUCKET KEY
 */
import { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createReadStream } from "node:fs";

const [file, endpoint, bucket, key] = process.argv.slice(2);
if (!file || !endpoint || !bucket || !key) throw new Error("usage: lib-storage-upload.ts FILE ENDPOINT BUCKET KEY");
const client = new S3Client({
  region: process.env.AWS_DEFAULT_REGION ?? "us-east-1",
  endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! },
  requestChecksumCalculation: "WHEN_REQUIRED",
  responseChecksumValidation: "WHEN_REQUIRED",
});
await new Upload({ client, params: { Bucket: bucket, Key: key, Body: createReadStream(file) }, partSize: 8 * 1024 * 1024, queueSize: 4 }).done();
