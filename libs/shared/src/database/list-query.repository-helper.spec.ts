import type { ListQuery } from '../pagination/list-query';
import { findPage } from './list-query.repository-helper';
import type { SqlClient } from './sql-client';
import { TableMap } from './table-map';

interface Note {
  id: string;
  userId: string;
  readAt: Date | null;
  cpuCores: number;
}

const NOTES = new TableMap<Note>('notes', {
  id: 'id',
  userId: 'user_id',
  readAt: 'read_at',
  cpuCores: 'cpu_cores',
});

/** A SqlClient that records the statements and answers a page of nothing. */
function recordingClient(): { sql: SqlClient; statements: Array<{ text: string; parameters: unknown[] }> } {
  const statements: Array<{ text: string; parameters: unknown[] }> = [];
  const sql = {
    rowsOnce: async (text: string, parameters: unknown[]) => {
      statements.push({ text: text.replace(/\s+/g, ' ').trim(), parameters });
      return text.includes('count(*)') ? [{ total: 0 }] : [];
    },
  } as unknown as SqlClient;
  return { sql, statements };
}

const query = (overrides: Partial<ListQuery>): ListQuery => ({
  page: 2,
  limit: 10,
  offset: 10,
  sort: [{ column: 'cpuCores', direction: 'DESC' }],
  filters: [],
  ...overrides,
});

describe('findPage', () => {
  it('binds compared values as positional parameters after the scope, and sorts through the map', async () => {
    const { sql, statements } = recordingClient();
    await findPage(
      sql,
      NOTES,
      query({ filters: [{ name: 'minCores', column: 'cpuCores', operator: '>=', value: 4 }] }),
      { where: 'user_id = $1', parameters: ['u1'] },
    );
    expect(statements[0]).toEqual({
      text:
        'SELECT id AS "id", user_id AS "userId", read_at AS "readAt", cpu_cores AS "cpuCores" FROM notes ' +
        'WHERE (user_id = $1) AND cpu_cores >= $2 ORDER BY cpu_cores DESC, id ASC LIMIT $3 OFFSET $4',
      parameters: ['u1', 4, 10, 10],
    });
    expect(statements[1]).toEqual({
      text: 'SELECT count(*)::int AS total FROM notes WHERE (user_id = $1) AND cpu_cores >= $2',
      parameters: ['u1', 4],
    });
  });

  it('turns an isNull filter into IS NULL or IS NOT NULL without a parameter', async () => {
    const unread = { name: 'unread', column: 'readAt', operator: 'isNull' as const };
    for (const [value, condition] of [
      [true, 'read_at IS NULL'],
      [false, 'read_at IS NOT NULL'],
    ] as const) {
      const { sql, statements } = recordingClient();
      await findPage(sql, NOTES, query({ filters: [{ ...unread, value }] }));
      expect(statements[1]).toEqual({
        text: `SELECT count(*)::int AS total FROM notes WHERE ${condition}`,
        parameters: [],
      });
    }
  });

  it('refuses a property the map does not have instead of writing it into SQL', async () => {
    const { sql } = recordingClient();
    await expect(
      findPage(sql, NOTES, query({ sort: [{ column: 'id; DROP TABLE notes', direction: 'ASC' }] })),
    ).rejects.toThrow('notes has no mapped property "id; DROP TABLE notes"');
  });
});
