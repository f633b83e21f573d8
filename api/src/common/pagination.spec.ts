import { BadRequestException } from '@nestjs/common';
import { Types } from 'mongoose';
import { afterKeyset, keysetCursor, readKeyset, toKeysetPage, toObjectId, toPage } from './pagination';

describe('toPage', () => {
  const rows = Array.from({ length: 4 }, () => ({ _id: new Types.ObjectId() }));

  it('returns a cursor when there is more', () => {
    const page = toPage(rows, 3, (row) => row._id.toHexString());
    expect(page.items).toHaveLength(3);
    expect(page.nextCursor).toBe(rows[2]._id.toHexString());
  });

  it('returns null on the last page', () => {
    expect(toPage(rows, 4, (row) => row).nextCursor).toBeNull();
  });
});

describe('toObjectId', () => {
  it('refuses anything but 24 hex characters', () => {
    expect(() => toObjectId('not-an-id')).toThrow(BadRequestException);
    expect(() => toObjectId('aaaaaaaaaaaa')).toThrow(BadRequestException); // 12 chars pass isValid()
    expect(toObjectId('5f1d7f5b2c8e4a0012345678').toHexString()).toBe('5f1d7f5b2c8e4a0012345678');
  });
});

describe('keyset cursors', () => {
  const id = new Types.ObjectId();

  it('round-trips a number or a date and the id', () => {
    expect(readKeyset(keysetCursor(250, id))).toEqual({ key: 250, id });
    const at = new Date('2026-11-30T10:00:00.000Z');
    expect(readKeyset(keysetCursor(at, id)).key).toBe(at.getTime());
  });

  it('refuses anything it did not give out', () => {
    for (const bad of ['', id.toHexString(), `x_${id.toHexString()}`, `1_${id.toHexString()}0`, '-1_aa']) {
      expect(() => readKeyset(bad)).toThrow(BadRequestException);
    }
  });

  it('filters strictly after the row in (key, _id) order', () => {
    const filter = afterKeyset('closesAt', { key: 5, id }, (key) => new Date(key)) as {
      $or: Record<string, unknown>[];
    };
    expect(filter.$or).toHaveLength(2);
    expect(filter.$or[1]).toMatchObject({ closesAt: new Date(5) });
  });

  it('names the last row of a full page and nothing at the end', () => {
    const rows = [1, 2, 3].map((cost) => ({ _id: new Types.ObjectId(), cost }));
    const page = toKeysetPage(rows, 2, (row) => row.cost);
    expect(page.rows).toHaveLength(2);
    expect(page.nextCursor).toBe(keysetCursor(2, rows[1]._id));
    expect(toKeysetPage(rows, 3, (row) => row.cost).nextCursor).toBeNull();
  });
});
