import { describe, expect, it } from "vitest";
import { CsvError, parseCsv } from "../../src/bulk/csv.js";

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe("parseCsv", () => {
  it("reads plain rows, trims unquoted fields, skips blank lines, accepts CRLF and a BOM", () => {
    expect(fields("\uFEFFname,title\r\n a , b \r\n\r\nc,\n")).toEqual([["name", "title"], ["a", "b"], ["c", ""]]);
  });
  it("keeps commas, doubled quotes, line breaks and spaces inside quotes", () => {
    expect(fields('a,"b, c","say ""hi""","two\nlines"," pad "\n')).toEqual([["a", "b, c", 'say "hi"', "two\nlines", " pad "]]);
  });
  it("numbers records by the line they start on", () => {
    expect(parseCsv('h\n"x\ny"\nz').map((r) => r.line)).toEqual([1, 2, 4]);
  });
  it("keeps empty fields and a last line without newline", () => {
    expect(fields(",,\nx")).toEqual([["", "", ""], ["x"]]);
  });
  it("rejects an unterminated quote, a stray quote and text after a closing quote, naming the line", () => {
    expect(() => parseCsv('a\n"open')).toThrow(new CsvError("a quoted field is not closed", 2));
    expect(() => parseCsv('a\nb"c')).toThrow(/line 2: a quote inside an unquoted field/);
    expect(() => parseCsv('"a"b')).toThrow(/line 1: unexpected character after a closing quote/);
  });
  it("allows spaces around quoted fields", () => {
    expect(fields(' "a" , "b" ')).toEqual([["a", "b"]]);
  });
});
