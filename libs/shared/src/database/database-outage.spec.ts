import { DatabaseQueryError } from './database-query.error';
import { backgroundFailureLevel, isDatabaseUnavailable } from './database-outage';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['an exhausted pool', new Error('timeout exceeded when trying to connect')],
    [
      'a connection lost mid-statement',
      new DatabaseQueryError('SELECT 1', [], new Error('Connection terminated unexpectedly')),
    ],
    [
      'a server shutting down',
      new DatabaseQueryError('SELECT 1', [], withCode('terminating connection', '57P01')),
    ],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['a connection exception', withCode('connection failure', '08006')],
  ])('is true for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', new DatabaseQueryError('INSERT', [], withCode('duplicate key', '23505'))],
    ['a statement timeout', new DatabaseQueryError('SELECT', [], withCode('canceling statement', '57014'))],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    [
      'a value that is no error',
      { code: 'ECONNREFUSED', message: 'timeout exceeded when trying to connect' },
    ],
  ])('is false for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('backgroundFailureLevel', () => {
  it('makes a database outage a warning and anything else an error', () => {
    expect(backgroundFailureLevel(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(
      'warn',
    );
    expect(
      backgroundFailureLevel(new DatabaseQueryError('INSERT', [], withCode('duplicate key', '23505'))),
    ).toBe('error');
    expect(backgroundFailureLevel(new TypeError('x is undefined'))).toBe('error');
  });
});
