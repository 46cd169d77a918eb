/**
 * Where a request for a bucket and key goes: scheme, host, path and query, encoded the way SigV4
 * for S3 signs them (the path single-encoded per RFC 3986 with "/" kept; query names and values
 * encoded and sorted). Path style (http://host/bucket/key) for custom endpoints by default and for
 * dotted bucket names over HTTPS (their virtual host would not match the certificate); virtual
 * host style (http://bucket.host/key) otherwise, as the AWS SDK does.
 */

export interface S3Address {
  protocol: "http:" | "https:";
  hostname: string;
  port: number | undefined;
  /** Encoded path, starting with "/". */
  path: string;
  /** Unencoded query parameters; "" for a flag like ?uploads. */
  query: Record<string, string>;
}

export interface EndpointConfig {
  bucket: string;
  region: string;
  endpoint: string | undefined;
  forcePathStyle: boolean;
}

export function s3Address(cfg: EndpointConfig, key: string | undefined, query: Record<string, string> = {}): S3Address {
  const base = new URL(cfg.endpoint ?? `https://s3.${cfg.region}.amazonaws.com`);
  const protocol = base.protocol === "http:" ? "http:" : "https:";
  const basePath = base.pathname.replace(/\/+$/, "");
  const pathStyle = cfg.forcePathStyle || (protocol === "https:" && cfg.bucket.includes("."));
  const keyPath = key === undefined ? "" : "/" + encodeKey(key);
  return {
    protocol,
    hostname: pathStyle ? base.hostname : `${cfg.bucket}.${base.hostname}`,
    port: base.port === "" ? undefined : Number(base.port),
    path: pathStyle ? `${basePath}/${cfg.bucket}${keyPath}` : `${basePath}${keyPath || "/"}`,
    query,
  };
}

export function hostHeader(a: S3Address): string {
  return a.port === undefined ? a.hostname : `${a.hostname}:${a.port}`;
}

export function addressUrl(a: S3Address): string {
  const qs = Object.keys(a.query)
    .sort()
    .map((k) => (a.query[k] === "" ? rfc3986(k) : `${rfc3986(k)}=${rfc3986(a.query[k]!)}`))
    .join("&");
  return `${a.protocol}//${hostHeader(a)}${a.path}${qs ? "?" + qs : ""}`;
}

/** Each "/"-separated segment percent-encoded per RFC 3986 (what S3's SigV4 canonical URI expects). */
export function encodeKey(key: string): string {
  return key.split("/").map(rfc3986).join("/");
}

function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
