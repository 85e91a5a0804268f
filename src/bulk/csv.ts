/**
 * A small CSV reader for `lab-gallery labs create-many` (RFC 4180 subset): comma-separated fields,
 * double-quoted fields may hold commas, line breaks and doubled quotes (`""`); CRLF or LF line ends;
 * a UTF-8 BOM is ignored; blank lines are skipped. Each record keeps the line it starts on, so
 * errors can name it. No dependency: the rows are simple and the parser is tested on its own.
 */

export interface CsvRecord {
  /** 1-based line number where the record starts. */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  override name = "CsvError";
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** Parses CSV text into records; throws `CsvError` for an unterminated quote or a stray quote. */
export function parseCsv(text: string): CsvRecord[] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let wasQuoted = false;
  let quoteLine = 1;
  const endField = () => {
    fields.push(wasQuoted ? field : field.trim());
    field = "";
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: recordLine, fields });
    fields = [];
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          // Only spaces may follow a closing quote before the separator.
          let j = i + 1;
          while (s[j] === " " || s[j] === "\t") j++;
          if (j < s.length && s[j] !== "," && s[j] !== "\n" && s[j] !== "\r") throw new CsvError("unexpected character after a closing quote", line);
          i = j - 1;
        }
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      if (field.trim() !== "") throw new CsvError('a quote inside an unquoted field (quote the whole field and double the quote: "a ""b"" c")', line);
      field = "";
      quoted = true;
      wasQuoted = true;
      quoteLine = line;
    } else if (c === ",") {
      endField();
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && s[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new CsvError("a quoted field is not closed", quoteLine);
  endRecord();
  return records;
}
