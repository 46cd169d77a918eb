/**
 * A typed Thrift Compact Protocol encoder for the few structs Parquet needs (PageHeader,
 * FileMetaData). Not hyparquet-writer's `serializeTCompactProtocol`: it infers wire types from JS
 * values (an integer number becomes i32; i64 fields need a BigInt each, and a wrong type id makes
 * thrift-generated readers skip the field), and its `writeMetadata` takes hyparquet's decoded
 * FileMetaData, re-deriving min/max bytes from JS values (Date, bigint) that we already hold as
 * exact bytes. Here every field states its type, so the wire format is visible in the caller.
 *
 * Usage: `beginStruct()`, then fields in ascending id order, then `endStruct()`. Nested structs
 * open with `structField(id)` (or, as list elements, `beginStruct()`), and close with `endStruct()`.
 * Invariant: field ids strictly increase within a struct (checked), which compact deltas require.
 */

import type { GrowableBytes } from "./scratch-buffers.ts";

const enum WireType {
  BOOL_TRUE = 1,
  BOOL_FALSE = 2,
  I32 = 5,
  I64 = 6,
  BINARY = 8,
  LIST = 9,
  STRUCT = 12,
}

export type ListElementType = "i32" | "binary" | "struct";
const LIST_ELEMENT_WIRE: Record<ListElementType, WireType> = {
  i32: WireType.I32,
  binary: WireType.BINARY,
  struct: WireType.STRUCT,
};

const utf8 = new TextEncoder();

export class ThriftCompactWriter {
  /** Last field id written in each open struct, innermost last. */
  private readonly lastFieldIds: number[] = [];

  constructor(readonly out: GrowableBytes) {}

  beginStruct(): void {
    this.lastFieldIds.push(0);
  }

  endStruct(): void {
    if (this.lastFieldIds.length === 0) throw new Error("thrift: endStruct without an open struct");
    this.out.pushByte(0); // STOP
    this.lastFieldIds.pop();
  }

  i32Field(id: number, value: number): void {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw new Error(`thrift: field ${id} value ${value} is not an i32`);
    }
    this.fieldHeader(id, WireType.I32);
    this.out.pushVarint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** i64 fields here are sizes, counts and offsets: non-negative and below 2^53. */
  i64Field(id: number, value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`thrift: field ${id} value ${value} is not a non-negative safe integer`);
    }
    this.fieldHeader(id, WireType.I64);
    this.out.pushVarint(value * 2); // zigzag of a non-negative number
  }

  boolField(id: number, value: boolean): void {
    this.fieldHeader(id, value ? WireType.BOOL_TRUE : WireType.BOOL_FALSE);
  }

  binaryField(id: number, value: Uint8Array): void {
    this.fieldHeader(id, WireType.BINARY);
    this.binaryElement(value);
  }

  stringField(id: number, value: string): void {
    this.binaryField(id, utf8.encode(value));
  }

  /** Opens a nested struct; close it with `endStruct()`. */
  structField(id: number): void {
    this.fieldHeader(id, WireType.STRUCT);
    this.beginStruct();
  }

  /** Writes a list header; the caller then writes exactly `size` elements of `elementType`. */
  listField(id: number, elementType: ListElementType, size: number): void {
    this.fieldHeader(id, WireType.LIST);
    const wire = LIST_ELEMENT_WIRE[elementType];
    if (size < 15) {
      this.out.pushByte((size << 4) | wire);
    } else {
      this.out.pushByte(0xf0 | wire);
      this.out.pushVarint(size);
    }
  }

  i32Element(value: number): void {
    this.out.pushVarint(((value << 1) ^ (value >> 31)) >>> 0);
  }

  binaryElement(value: Uint8Array): void {
    this.out.pushVarint(value.length);
    this.out.pushBytes(value);
  }

  stringElement(value: string): void {
    this.binaryElement(utf8.encode(value));
  }

  /** True when every opened struct was closed: a cheap self-check after a whole message. */
  get balanced(): boolean {
    return this.lastFieldIds.length === 0;
  }

  private fieldHeader(id: number, wire: WireType): void {
    const depth = this.lastFieldIds.length - 1;
    if (depth < 0) throw new Error(`thrift: field ${id} written outside a struct`);
    const last = this.lastFieldIds[depth]!;
    const delta = id - last;
    if (delta <= 0) throw new Error(`thrift: field ids must increase (field ${id} after ${last})`);
    if (delta <= 15) {
      this.out.pushByte((delta << 4) | wire);
    } else {
      this.out.pushByte(wire);
      this.out.pushVarint(((id << 1) ^ (id >> 15)) & 0xffff); // zigzag i16
    }
    this.lastFieldIds[depth] = id;
  }
}
