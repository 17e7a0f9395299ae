import { AppError } from '../errors/app-error';
import { listQueryKeyParts, parseListQuery, type ListQuerySpec } from './list-query';

const SPEC: ListQuerySpec = {
  sortable: { createdAt: 'createdAt', email: 'email' },
  defaultSort: '-createdAt',
  maxLimit: 50,
  filters: {
    status: { type: 'enum', column: 'status', values: ['active', 'suspended'] },
    userId: { type: 'uuid', column: 'userId' },
    from: { type: 'datetime', column: 'createdAt', operator: '>=' },
    minCores: { type: 'integer', columnType: 'smallint', column: 'cpuCores', operator: '>=' },
    email: { type: 'string', column: 'email' },
  },
};

function failure(query: Record<string, unknown>): AppError {
  try {
    parseListQuery(query, SPEC);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a validation failure');
}

describe('parseListQuery', () => {
  it('applies defaults', () => {
    expect(parseListQuery({}, SPEC)).toEqual({
      page: 1,
      limit: 20,
      offset: 0,
      sort: [{ column: 'createdAt', direction: 'DESC' }],
      filters: [],
    });
  });

  it('parses page, limit, several sort forms and typed filters', () => {
    const query = parseListQuery(
      {
        page: '3',
        limit: '50',
        sort: 'email:desc,createdAt',
        status: 'active',
        userId: '7A1C7C52-8D5B-4C1E-9C0B-5B0B7A3C1E2F',
        from: '2026-01-02T03:04:05Z',
        minCores: '4',
      },
      SPEC,
    );
    expect(query.offset).toBe(100);
    expect(query.sort).toEqual([
      { column: 'email', direction: 'DESC' },
      { column: 'createdAt', direction: 'ASC' },
    ]);
    expect(query.filters).toEqual([
      { name: 'status', column: 'status', operator: '=', value: 'active' },
      { name: 'userId', column: 'userId', operator: '=', value: '7a1c7c52-8d5b-4c1e-9c0b-5b0b7a3c1e2f' },
      { name: 'from', column: 'createdAt', operator: '>=', value: new Date('2026-01-02T03:04:05Z') },
      { name: 'minCores', column: 'cpuCores', operator: '>=', value: 4 },
    ]);
  });

  it('parses an isNull filter as a boolean and refuses anything else', () => {
    const spec: ListQuerySpec = {
      ...SPEC,
      filters: { unread: { type: 'boolean', column: 'readAt', operator: 'isNull' } },
    };
    expect(parseListQuery({ unread: 'true' }, spec).filters).toEqual([
      { name: 'unread', column: 'readAt', operator: 'isNull', value: true },
    ]);
    expect(parseListQuery({ unread: 'false' }, spec).filters).toEqual([
      { name: 'unread', column: 'readAt', operator: 'isNull', value: false },
    ]);
    expect(() => parseListQuery({ unread: 'yes' }, spec)).toThrow(AppError);
    const misdeclared: ListQuerySpec = {
      ...SPEC,
      filters: { unread: { type: 'string', column: 'readAt', operator: 'isNull' } },
    };
    expect(() => parseListQuery({}, misdeclared)).toThrow('operator isNull needs type boolean');
  });

  it.each([
    [{ limit: '51' }, 'limit'],
    [{ limit: '0' }, 'limit'],
    [{ page: '0' }, 'page'],
    [{ page: '-1' }, 'page'],
    [{ page: '1.5' }, 'page'],
    [{ limit: '10; DROP TABLE users' }, 'limit'],
    [{ sort: 'passwordHash' }, 'sort'],
    [{ sort: 'email;--' }, 'sort'],
    [{ sort: '-email:asc' }, 'sort'],
    [{ sort: 'a,b,c,d' }, 'sort'],
    [{ status: 'deleted' }, 'status'],
    [{ userId: "1' OR '1'='1" }, 'userId'],
    [{ from: 'yesterday' }, 'from'],
    [{ minCores: 'four' }, 'minCores'],
    [{ unknown: '1' }, 'unknown'],
    [{ page: ['1', '2'] }, 'page'],
    // Issue 9: prototype names are neither sortable nor filters, NUL never reaches Postgres, and
    // an integer filter stays inside its column's type.
    [{ sort: 'constructor' }, 'sort'],
    [{ sort: 'toString,valueOf' }, 'sort'],
    [{ sort: '__proto__' }, 'sort'],
    [{ constructor: '1' }, 'constructor'],
    [{ hasOwnProperty: '1' }, 'hasOwnProperty'],
    [Object.fromEntries([['__proto__', '1']]), '__proto__'],
    [{ email: 'a\u0000b' }, 'email'],
    [{ email: '\ud800' }, 'email'],
    [{ minCores: '32768' }, 'minCores'],
    [{ minCores: '-32769' }, 'minCores'],
    [{ minCores: '99999999999' }, 'minCores'],
  ])('refuses %j with VALIDATION_FAILED naming %s', (query, field) => {
    const error = failure(query);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.httpStatus).toBe(400);
    expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('accepts an integer filter at its column type bounds', () => {
    expect(parseListQuery({ minCores: '32767' }, SPEC).filters[0].value).toBe(32767);
    expect(parseListQuery({ minCores: '-32768' }, SPEC).filters[0].value).toBe(-32768);
  });

  it('refuses an integer filter without its column type when first used', () => {
    const misdeclared = {
      ...SPEC,
      filters: { n: { type: 'integer', column: 'n' } },
    } as unknown as ListQuerySpec;
    expect(() => parseListQuery({}, misdeclared)).toThrow('needs columnType');
  });

  it('gives the key parts of a crafted value and of the honest query it imitates apart', () => {
    const crafted = listQueryKeyParts(parseListQuery({ email: 'x:status=active' }, SPEC));
    const honest = listQueryKeyParts(parseListQuery({ email: 'x', status: 'active' }, SPEC));
    expect(crafted).not.toEqual(honest);
    expect(listQueryKeyParts(parseListQuery({ status: 'active', email: 'x' }, SPEC))).toEqual(honest);
  });
});
