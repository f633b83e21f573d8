import { BadRequestException } from '@nestjs/common';
import { parseCodes } from './codes-file';

describe('parseCodes', () => {
  it('reads pasted lines, dropping blanks and repeats', () => {
    expect(parseCodes('AB-1\n\n  AB-2  \r\nAB-1\n')).toEqual({ codes: ['AB-1', 'AB-2'], repeated: 1 });
  });

  it('reads a CSV by its "code" column, else its first', () => {
    expect(parseCodes('value,Code\n25,X1\n25,"X2"\n').codes).toEqual(['X1', 'X2']);
    expect(parseCodes('Y1,25 EUR\nY2,25 EUR').codes).toEqual(['Y1', 'Y2']);
  });

  it('refuses what is not a code, naming the line, and an upload without codes', () => {
    expect(() => parseCodes('OK\nbad\u0007code')).toThrow(/line 2/);
    expect(() => parseCodes('\n\n')).toThrow(BadRequestException);
  });
});
