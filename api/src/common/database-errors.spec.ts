import { isDuplicateKey, isOutage } from './database-errors';

describe('isOutage: the database or Redis is not there right now (503), not a bug (500)', () => {
  it.each([
    [
      'the driver finds no server',
      Object.assign(new Error('Server selection timed out'), { name: 'MongoServerSelectionError' }),
    ],
    [
      'a connection refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { name: 'MongoNetworkError' }),
    ],
    [
      'a pool cleared after a network error',
      Object.assign(new Error('pool cleared'), { name: 'MongoPoolClearedError' }),
    ],
    // Seen when the embedded database was killed mid-command: a plain Node socket error.
    [
      'a socket ended by the other side',
      Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' }),
    ],
    ['a reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    [
      'Redis gone (ioredis)',
      Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }),
    ],
    ['a Redis command that waited too long', new Error('Command timed out')],
    [
      'an outage wrapped as a cause',
      new Error('award failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }),
    ],
  ])('%s', (_, error) => {
    expect(isOutage(error)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a duplicate key', Object.assign(new Error('E11000'), { code: 11000 })],
    ['not an error', 'boom'],
  ])('%s is not an outage', (_, error) => {
    expect(isOutage(error)).toBe(false);
  });

  it('tells a duplicate key apart', () => {
    expect(isDuplicateKey(Object.assign(new Error('E11000'), { code: 11000 }))).toBe(true);
    expect(isDuplicateKey(new Error('E11000'))).toBe(false);
  });
});
