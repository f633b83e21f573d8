import { BadRequestException } from '@nestjs/common';
import { parse } from 'csv-parse/sync';

/** At most this many codes in one upload (a few uploads make a bigger pool). */
export const MAX_CODES_PER_UPLOAD = 10_000;
const CODE = /^[\x21-\x7e](?:[\x20-\x7e]{0,98}[\x21-\x7e])?$/;

/**
 * The codes in what an admin pasted or uploaded: one per line, or a CSV file's rows — the column
 * headed "code" when there is one, else the first. Blank lines go; repeats within the upload are
 * kept once; a value that is not printable ASCII (1–100 characters) is refused with its line.
 */
export function parseCodes(text: string): { codes: string[]; repeated: number } {
  let rows: string[][];
  try {
    const parsed: string[][] = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true, bom: true });
    rows = parsed;
  } catch (error) {
    throw new BadRequestException(`codes: not readable as lines or CSV (${(error as Error).message})`);
  }
  const header = rows[0]?.map((cell) => cell.toLowerCase());
  const column = header ? Math.max(0, header.indexOf('code')) : 0;
  if (header?.includes('code')) rows = rows.slice(1);
  const codes: string[] = [];
  const seen = new Set<string>();
  let repeated = 0;
  rows.forEach((row, index) => {
    const code = (row[column] ?? '').trim();
    if (!code) return;
    if (!CODE.test(code))
      throw new BadRequestException(`codes: line ${index + 1} is not a code (1–100 printable characters)`);
    if (seen.has(code)) repeated++;
    else {
      seen.add(code);
      codes.push(code);
    }
  });
  if (!codes.length) throw new BadRequestException('codes: no code found');
  if (codes.length > MAX_CODES_PER_UPLOAD) {
    throw new BadRequestException(`codes: at most ${MAX_CODES_PER_UPLOAD} per upload`);
  }
  return { codes, repeated };
}
