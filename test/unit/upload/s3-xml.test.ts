import { describe, expect, test } from "bun:test";
import { completeMultipartBody, decodeXmlText, isXmlError, xmlValue } from "../../../src/upload/s3-xml.ts";

describe("S3 XML", () => {
  test("reads single values, with or without namespace prefixes and attributes", () => {
    const xml = `<?xml version="1.0"?><InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><Key>a&amp;b</Key><UploadId>x~y&#x2F;z</UploadId></InitiateMultipartUploadResult>`;
    expect(xmlValue(xml, "UploadId")).toBe("x~y/z");
    expect(xmlValue(xml, "Key")).toBe("a&b");
    expect(xmlValue(`<s3:ETag a="1">&quot;abc-2&quot;</s3:ETag>`, "ETag")).toBe('"abc-2"');
    expect(xmlValue(xml, "Missing")).toBeUndefined();
  });

  test("recognises error documents, including one inside a 200 answer", () => {
    expect(isXmlError(`<?xml version="1.0"?><Error><Code>InternalError</Code></Error>`)).toBe(true);
    expect(isXmlError(`<CompleteMultipartUploadResult><ETag>"x"</ETag></CompleteMultipartUploadResult>`)).toBe(false);
  });

  test("entities", () => expect(decodeXmlText("&lt;&gt;&amp;&quot;&apos;&#65;&#x42;")).toBe(`<>&"'AB`));

  test("the CompleteMultipartUpload body lists the parts in order with escaped ETags and optional CRC-32s", () => {
    const body = completeMultipartBody([
      { partNumber: 1, etag: '"a"' },
      { partNumber: 2, etag: '"b"', crc32: "AAAAAA==" },
    ]);
    expect(body).toContain("<Part><PartNumber>1</PartNumber><ETag>&quot;a&quot;</ETag></Part>");
    expect(body).toContain("<Part><PartNumber>2</PartNumber><ETag>&quot;b&quot;</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>");
  });
});
