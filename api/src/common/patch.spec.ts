import { BadRequestException } from '@nestjs/common';
import { refuseNulls } from './patch';

describe('refuseNulls', () => {
  interface Changes {
    title?: string;
    cost?: number;
    stock?: number | null;
    badgeKey?: string | null;
  }

  it('accepts absent fields, values and null for the nullable ones', () => {
    expect(() => refuseNulls<Changes>({}, ['stock'])).not.toThrow();
    expect(() => refuseNulls<Changes>({ title: 'x', cost: 0, stock: null }, ['stock', 'badgeKey'])).not.toThrow();
    expect(() => refuseNulls<Changes>({ title: undefined }, [])).not.toThrow();
  });

  it('refuses null for every other field, naming each', () => {
    let error: unknown;
    try {
      refuseNulls<Changes>({ title: null as unknown as string, cost: null as unknown as number, stock: null }, [
        'stock',
      ]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BadRequestException);
    const message = ((error as BadRequestException).getResponse() as { message: string[] }).message;
    expect(message).toHaveLength(2);
    expect(message[0]).toMatch(/^title must not be null/);
    expect(message[1]).toMatch(/^cost must not be null/);
    expect(message[0]).toContain('only stock may be null');
  });

  it('refuses any null when nothing is nullable', () => {
    try {
      refuseNulls<Changes>({ badgeKey: null });
      throw new Error('accepted');
    } catch (error) {
      expect((error as BadRequestException).getResponse()).toMatchObject({
        statusCode: 400,
        message: ['badgeKey must not be null: leave it out to keep it'],
      });
    }
  });
});
