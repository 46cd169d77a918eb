/**
 * The few XML documents dsp exchanges with S3: the CompleteMultipartUpload request body, and the
 * single values it reads from answers (UploadId, ETag, an error's Code and Message). S3's answers
 * are flat, namespace-prefixed at most, without CDATA; element text is entity-encoded.
 */

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function decodeXmlText(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e]!;
  });
}

export function encodeXmlText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${({ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" } as const)[c as "&"]};`);
}

/** Text of the first <name>…</name> element (any namespace prefix), decoded; undefined if absent. */
export function xmlValue(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w-]+:)?${name}>`).exec(xml);
  return m ? decodeXmlText(m[1]!) : undefined;
}

/** The inner text of every <name>…</name> element, in order (S3 lists never nest an element in itself). */
export function xmlBlocks(xml: string, name: string): string[] {
  const re = new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w-]+:)?${name}>`, "g");
  return [...xml.matchAll(re)].map((m) => m[1]!);
}

export function isXmlError(xml: string): boolean {
  return /<(?:[\w-]+:)?Error[\s>]/.test(xml);
}

export function completeMultipartBody(parts: readonly { partNumber: number; etag: string; crc32?: string }[]): string {
  let xml = '<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">';
  for (const p of parts) {
    const crc = p.crc32 === undefined ? "" : `<ChecksumCRC32>${encodeXmlText(p.crc32)}</ChecksumCRC32>`;
    xml += `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${encodeXmlText(p.etag)}</ETag>${crc}</Part>`;
  }
  return xml + "</CompleteMultipartUpload>";
}
