import { describe, expect, test } from "bun:test";
import { decimalKey, parseDouble } from "../../../../src/convert/infer/parse-double.ts";
import { range } from "./helpers.ts";

const parse = (text: string): number => parseDouble(...range(text));

describe("parseDouble accepts exact decimal texts", () => {
  test.each([
    ["0.1"],
    ["1.5"],
    ["-1.5"],
    ["1.10"], // same number as 1.1: the trailing zero carries no value
    ["1.1000000000000000000000"], // 23 digits, all but two trailing zeros
    ["0.000001"],
    ["123456.789"],
    ["0.30000000000000004"], // 17 significant digits, the shortest text of 0.1 + 0.2
    ["3.141592653589793"], // Math.PI's shortest text, 16 digits
    ["2.718281828459045"],
    ["1e10"],
    ["1E10"],
    ["1.5E-3"],
    ["1.5e+3"],
    ["1e05"],
    ["1e308"],
    ["-1e308"],
    ["1.7976931348623157e308"], // max double
    ["2.2250738585072014e-308"], // min normal
    ["5e-324"], // min subnormal: slow path, still its own shortest text
    ["1e22"],
    ["1e23"], // not exactly representable, but shortest text of its double is "1e+23"
    ["123456789012345e-30"],
    [".5"], // same number as 0.5
    ["-.5"],
    ["5."], // same number as 5
    ["0e999999"], // zero in any spelling
    ["0.0"],
    ["9007199254740992"], // integer form, 2^53
    ["-9007199254740992"],
    ["42"],
  ])("%s", (text) => {
    const x = parse(text);
    expect(Object.is(x, Number(text))).toBe(true);
    expect(decimalKey(text)).toBe(decimalKey(String(Math.abs(x))));
  });

  test("-0 and -0.0 keep the sign bit", () => {
    expect(Object.is(parse("-0"), -0)).toBe(true);
    expect(Object.is(parse("-0.0"), -0)).toBe(true);
    expect(Object.is(parse("-0e5"), -0)).toBe(true);
    expect(Object.is(parse("0"), 0)).toBe(true);
  });
});

describe("parseDouble rejects texts a double would round or rewrite", () => {
  test.each([
    ["0.1000000000000000055511151231257827", "exact binary value of 0.1: more digits than the double carries"],
    ["3.14159265358979323846264", "pi to 24 digits"],
    ["1.00000000000000001", "18 digits, rounds to 1"],
    ["9007199254740993.0", "2^53 + 1 in decimal form: rounds to 2^53"],
    ["4.9406564584124654e-324", "min subnormal to 17 digits: a subnormal carries fewer"],
    ["4.94065645841247e-324", "15 digits, yet subnormal: DBL_DIG does not hold there"],
    ["9007199254740993", "integer form above 2^53"],
    ["-9007199254740993", "integer form below -2^53"],
    ["12345678901234567890", "20-digit integer"],
    ["100000000000000000000", "integer form 1e20: ids, not quantities"],
    ["1e309", "overflows to Infinity"],
    ["-1e309", "overflows to -Infinity"],
    ["1.8e308", "overflows"],
    ["1e-400", "underflows to zero"],
    ["2e-324", "rounds to zero"],
    ["NaN", "not a number"],
    ["nan", "not a number"],
    ["Infinity", "text stays text"],
    ["-Infinity", "text stays text"],
    ["inf", "text stays text"],
    ["+1.5", "sign would be dropped"],
    ["+5", "sign would be dropped"],
    ["00.5", "leading zeros"],
    ["007", "leading zeros"],
    ["01e5", "leading zero"],
    [".", "no digits"],
    ["-.", "no digits"],
    ["e5", "no mantissa"],
    [".e5", "no mantissa"],
    ["1e", "empty exponent"],
    ["1e+", "empty exponent"],
    ["1.2.3", "two dots"],
    ["1,5", "decimal comma"],
    [" 1.5", "leading space"],
    ["1.5 ", "trailing space"],
    ["0x10", "hex"],
    ["1_000.5", "separator"],
    ["", "empty"],
    ["-", "sign only"],
  ])("%p (%s)", (text) => {
    expect(parse(text)).toBeNaN();
  });
});

describe("parseDouble on long texts", () => {
  test("many significant digits, or a magnitude no double reaches, are refused without decoding", () => {
    expect(parse(`1.${"1".repeat(100_000)}`)).toBeNaN();
    expect(parse(`0.${"0".repeat(400)}1`)).toBeNaN(); // underflow
    expect(parse(`1${"0".repeat(400)}.5`)).toBeNaN(); // overflow
  });

  test("zeros that carry no value do not count", () => {
    expect(parse(`1.5${"0".repeat(100_000)}`)).toBe(1.5);
    expect(parse(`0.${"0".repeat(300)}15`)).toBe(1.5e-301);
    expect(parse(`15${"0".repeat(300)}.0`)).toBe(1.5e301);
  });
});

describe("decimalKey", () => {
  test.each([
    ["1.10", "11e-1"],
    ["1.1", "11e-1"],
    ["0011.1000", "111e-1"],
    ["1000", "1e3"],
    ["1e+23", "1e23"],
    ["-2.5E-3", "25e-4"],
    ["0.000", "0"],
    [".5", "5e-1"],
    ["5.", "5e0"],
  ])("%s -> %s", (text, key) => {
    expect(decimalKey(text)).toBe(key);
  });
});
