import { filterClause } from './list-query.repository-helper';

describe('filterClause', () => {
  it('binds a compared value as a named parameter', () => {
    expect(
      filterClause('device', { name: 'minCores', column: 'cpuCores', operator: '>=', value: 4 }, 'filter0'),
    ).toEqual({ sql: 'device.cpuCores >= :filter0', parameters: { filter0: 4 } });
  });

  it('turns an isNull filter into IS NULL or IS NOT NULL without parameters', () => {
    const unread = { name: 'unread', column: 'readAt', operator: 'isNull' as const };
    expect(filterClause('notification', { ...unread, value: true }, 'filter1')).toEqual({
      sql: 'notification.readAt IS NULL',
      parameters: {},
    });
    expect(filterClause('notification', { ...unread, value: false }, 'filter1')).toEqual({
      sql: 'notification.readAt IS NOT NULL',
      parameters: {},
    });
  });
});
