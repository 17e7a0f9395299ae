import { randomUUID } from 'node:crypto';
import { type DeviceRow, DevicesTestApp, NEW_DEVICE } from './devices-test-app';

// Who may call the device endpoints, and malformed input on every one of them: refused before
// anything is written.

const SQL = "eu-west-1'; DROP TABLE devices; --";
const HUGE = 1e30;

type Body = Record<string, unknown>;

describe('device inventory: access and input validation', () => {
  let app: DevicesTestApp;

  beforeAll(async () => {
    app = await DevicesTestApp.start();
  });

  afterAll(async () => {
    await app?.close();
  });

  const create = () => app.createDevice(NEW_DEVICE);

  describe('access', () => {
    let deviceId: string;
    let before: DeviceRow[];

    beforeAll(async () => {
      deviceId = (await create()).id;
    });

    beforeEach(async () => {
      before = await app.devices();
    });

    afterEach(async () => {
      expect(await app.devices()).toEqual(before);
    });

    const writes = (id: () => string): Array<[string, string, () => string, Body | undefined]> => [
      ['POST', '/devices', () => '', NEW_DEVICE],
      ['PATCH', '/devices/:id', id, { status: 'maintenance' }],
      ['DELETE', '/devices/:id', id, undefined],
    ];

    function send(method: string, path: string, token: string | null, body?: Body) {
      const call =
        method === 'POST'
          ? app.http.post(path)
          : method === 'PATCH'
            ? app.http.patch(path)
            : app.http.delete(path);
      if (token) call.set('Authorization', `Bearer ${token}`);
      return body ? call.send(body) : call;
    }

    it.each(writes(() => deviceId))(
      '%s %s: a user gets 403, a service 403, no token 401',
      async (method, path, id, body) => {
        const url = path.replace(':id', id());
        const asUser = await send(method, url, app.tokens.user(), body);
        expect({ status: asUser.status, code: asUser.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
        const asService = await send(method, url, app.tokens.service(), body);
        expect({ status: asService.status, code: asService.body.code }).toEqual({
          status: 403,
          code: 'FORBIDDEN',
        });
        const anonymous = await send(method, url, null, body);
        expect({ status: anonymous.status, code: anonymous.body.code }).toEqual({
          status: 401,
          code: 'UNAUTHENTICATED',
        });
      },
    );

    it.each(['/devices', '/devices/:id'])('GET %s: a user gets 403, no token 401', async (path) => {
      const url = path.replace(':id', deviceId);
      expect((await app.http.get(url).set('Authorization', `Bearer ${app.tokens.user()}`)).status).toBe(403);
      expect((await app.http.get(url)).status).toBe(401);
    });
  });

  describe('malformed input: 400 VALIDATION_FAILED, nothing written', () => {
    let deviceId: string;
    let before: DeviceRow[];

    beforeAll(async () => {
      deviceId = (await create()).id;
    });

    beforeEach(async () => {
      before = await app.devices();
    });

    afterEach(async () => {
      expect(await app.devices()).toEqual(before);
    });

    function expectRejected(response: { status: number; body: Body }, label: string): void {
      expect({ label, status: response.status, code: response.body.code }).toEqual({
        label,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(typeof response.body.message).toBe('string');
    }

    function numericCases(field: keyof typeof NEW_DEVICE): Array<[string, unknown]> {
      return [
        [`${field} as a string`, { ...NEW_DEVICE, [field]: '4' }],
        [`${field} zero`, { ...NEW_DEVICE, [field]: 0 }],
        [`${field} negative`, { ...NEW_DEVICE, [field]: -1 }],
        [`${field} fractional`, { ...NEW_DEVICE, [field]: 1.5 }],
        [`${field} huge`, { ...NEW_DEVICE, [field]: HUGE }],
        [`${field} beyond the database bound`, { ...NEW_DEVICE, [field]: 2_147_483_648 }],
        [`${field} null`, { ...NEW_DEVICE, [field]: null }],
        [`${field} missing`, { ...NEW_DEVICE, [field]: undefined }],
        [`${field} as SQL`, { ...NEW_DEVICE, [field]: SQL }],
      ];
    }

    it.each<[string, unknown]>([
      ['an empty body', {}],
      ['an array', [NEW_DEVICE]],
      ['an unknown field', { ...NEW_DEVICE, status: 'available' }],
      ['an id in the body', { ...NEW_DEVICE, id: randomUUID() }],
      ['SQL in the region', { ...NEW_DEVICE, region: SQL }],
      ['an upper-case region', { ...NEW_DEVICE, region: 'EU-WEST-1' }],
      ['a region too long', { ...NEW_DEVICE, region: `r${'x'.repeat(63)}` }],
      ['a region as a number', { ...NEW_DEVICE, region: 1 }],
      ['a region as an object', { ...NEW_DEVICE, region: { $ne: null } }],
      ['SQL in the Android version', { ...NEW_DEVICE, androidVersion: "13'; --" }],
      ['an Android version as a number', { ...NEW_DEVICE, androidVersion: 13 }],
      ['a nonsense Android version', { ...NEW_DEVICE, androidVersion: '13.0.0.0' }],
      ['SQL in the provider', { ...NEW_DEVICE, provider: "simulated'; --" }],
      ['a null provider', { ...NEW_DEVICE, provider: null }],
      ['cpuCores above 128', { ...NEW_DEVICE, cpuCores: 129 }],
      ['memoryMb below 256', { ...NEW_DEVICE, memoryMb: 255 }],
      ...numericCases('cpuCores'),
      ...numericCases('memoryMb'),
      ...numericCases('storageGb'),
    ])('POST /devices refuses %s', async (label, body) => {
      const response = await app.http
        .post('/devices')
        .set('Authorization', `Bearer ${app.admin()}`)
        .send(body as object);
      expectRejected(response, label);
    });

    it('POST /devices refuses malformed JSON', async () => {
      const response = await app.http
        .post('/devices')
        .set('Authorization', `Bearer ${app.admin()}`)
        .set('Content-Type', 'application/json')
        .send('{"region": "eu-west-1",');
      expect({ status: response.status, code: response.body.code }).toEqual({
        status: 400,
        code: 'MALFORMED_BODY',
      });
    });

    it.each<[string, unknown]>([
      ['an empty body', {}],
      ['an array', [{ status: 'failed' }]],
      ['status retired (DELETE retires)', { status: 'retired' }],
      ['status provisioning', { status: 'provisioning' }],
      ['an unknown status', { status: 'broken' }],
      ['status as SQL', { status: "failed'; --" }],
      ['status null', { status: null }],
      ['status as a number', { status: 1 }],
      ['an unknown health', { health: 'great' }],
      ['health null', { health: null }],
      ['an unknown field', { status: 'failed', region: 'us-east-1' }],
      ['only unknown fields', { cpuCores: 8 }],
    ])('PATCH /devices/:id refuses %s', async (label, body) => {
      const response = await app.http
        .patch(`/devices/${deviceId}`)
        .set('Authorization', `Bearer ${app.admin()}`)
        .send(body as object);
      expectRejected(response, label);
    });

    it.each(['not-a-uuid', encodeURIComponent(SQL), '12345', `${randomUUID()}x`])(
      'GET, PATCH and DELETE refuse the id %s',
      async (id) => {
        const token = app.admin();
        expectRejected(
          await app.http.get(`/devices/${id}`).set('Authorization', `Bearer ${token}`),
          `GET ${id}`,
        );
        expectRejected(
          await app.http
            .patch(`/devices/${id}`)
            .set('Authorization', `Bearer ${token}`)
            .send({ status: 'failed' }),
          `PATCH ${id}`,
        );
        expectRejected(
          await app.http.delete(`/devices/${id}`).set('Authorization', `Bearer ${token}`),
          `DELETE ${id}`,
        );
      },
    );

    it.each([
      'status=broken',
      'health=great',
      'minCpuCores=many',
      `minCpuCores=${HUGE}`,
      'sort=password',
      'limit=0',
    ])('GET /devices refuses the query %s', async (query) => {
      const response = await app.http.get(`/devices?${query}`).set('Authorization', `Bearer ${app.admin()}`);
      expectRejected(response, query);
    });
  });
});
