/**
 * The ZIP reader's errors: the shared ArchiveError (src/archive/archive-error.ts, where every code,
 * ZIP_ ones included, is listed) with the ZIP reader's message style: the facts a person needs to
 * look at the file (entry name as stored, byte offset in the archive, the archive) are appended to
 * the message and kept as fields.
 */
import { ArchiveError as SharedArchiveError, type ArchiveErrorCode, type ArchiveErrorContext } from "../archive-error.ts";

export { isArchiveError, type ArchiveErrorCode, type ArchiveErrorContext } from "../archive-error.ts";

export class ArchiveError extends SharedArchiveError {
  get archive(): string | undefined {
    return this.context.archive;
  }
  get entry(): string | undefined {
    return this.context.entry;
  }
  get offset(): number | undefined {
    return this.context.offset;
  }

  constructor(code: ArchiveErrorCode, what: string, context: ArchiveErrorContext = {}) {
    super(code, what + describeContext(context), context);
  }
}

function describeContext(c: ArchiveErrorContext): string {
  const parts: string[] = [];
  if (c.entry !== undefined) parts.push(`entry ${JSON.stringify(c.entry)}`);
  if (c.offset !== undefined) parts.push(`at offset ${c.offset}`);
  if (c.archive !== undefined) parts.push(`in ${c.archive}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}
