import { BadRequestException } from '@nestjs/common';
import { Types } from 'mongoose';
import { toObjectId, toPage } from './pagination';

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
