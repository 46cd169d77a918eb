import { describe, expect, test } from "bun:test";
import { addressUrl, encodeKey, hostHeader, s3Address } from "../../../src/upload/s3-address.ts";

const custom = { bucket: "my-bucket", region: "us-east-1", endpoint: "http://127.0.0.1:9000", forcePathStyle: true };
const aws = { bucket: "my-bucket", region: "eu-west-3", endpoint: undefined, forcePathStyle: false };

describe("s3Address", () => {
  test("path style on a custom endpoint", () => {
    const a = s3Address(custom, "a/b c.txt");
    expect(hostHeader(a)).toBe("127.0.0.1:9000");
    expect(a.path).toBe("/my-bucket/a/b%20c.txt");
    expect(addressUrl(a)).toBe("http://127.0.0.1:9000/my-bucket/a/b%20c.txt");
  });

  test("virtual host style on AWS, with the regional endpoint", () => {
    const a = s3Address(aws, "k");
    expect(addressUrl(a)).toBe("https://my-bucket.s3.eu-west-3.amazonaws.com/k");
  });

  test("a dotted bucket over HTTPS goes path style (its virtual host would not match the certificate)", () => {
    const a = s3Address({ ...aws, bucket: "my.bucket" }, "k");
    expect(addressUrl(a)).toBe("https://s3.eu-west-3.amazonaws.com/my.bucket/k");
  });

  test("bucket-level requests and sorted, encoded query parameters", () => {
    expect(addressUrl(s3Address(custom, undefined))).toBe("http://127.0.0.1:9000/my-bucket");
    expect(addressUrl(s3Address(aws, undefined))).toBe("https://my-bucket.s3.eu-west-3.amazonaws.com/");
    expect(addressUrl(s3Address(custom, "k", { uploadId: "a/b+c", partNumber: "3" }))).toBe(
      "http://127.0.0.1:9000/my-bucket/k?partNumber=3&uploadId=a%2Fb%2Bc",
    );
    expect(addressUrl(s3Address(custom, "k", { uploads: "" }))).toBe("http://127.0.0.1:9000/my-bucket/k?uploads");
  });

  test("an endpoint with a path prefix keeps it", () => {
    expect(addressUrl(s3Address({ ...custom, endpoint: "https://gw.example/s3/" }, "k"))).toBe("https://gw.example/s3/my-bucket/k");
  });
});

describe("encodeKey", () => {
  test.each([
    ["plain/key.txt", "plain/key.txt"],
    ["with space+plus", "with%20space%2Bplus"],
    ["per%cent#hash?q", "per%25cent%23hash%3Fq"],
    ["rfc3986 !'()*", "rfc3986%20%21%27%28%29%2A"],
    ["ünïcødé/日本.csv", "%C3%BCn%C3%AFc%C3%B8d%C3%A9/%E6%97%A5%E6%9C%AC.csv"],
    ["keep-_.~", "keep-_.~"],
  ])("%p → %p", (key, encoded) => expect(encodeKey(key)).toBe(encoded));
});
