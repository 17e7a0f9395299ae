import { randomUUID } from 'node:crypto';
import { DeviceAllocatedEventData } from '@cloudphone/contracts';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { EventPayloadCatalog } from './event-payload-catalog';

class Item {
  @IsString()
  sku!: string;
}

class OrderPlaced {
  @IsInt()
  @Min(1)
  n!: number;

  @ValidateNested()
  @Type(() => Item)
  item!: Item;
}

/** A stricter `user.deleted` than the domain one, to show a service may replace a type's versions. */
class UserDeletedV2 {
  @IsString()
  reason!: string;
}

const allocated = {
  allocationId: randomUUID(),
  deviceId: randomUUID(),
  userId: randomUUID(),
  tenantId: 'default',
  region: 'eu-west-1',
  cpuCores: 4,
  memoryMb: 8192,
  storageGb: 64,
  startedAt: '2026-03-01T12:00:00.000Z',
  expiresAt: '2026-03-01T13:00:00.000Z',
  fencingToken: '17',
};

describe('EventPayloadCatalog', () => {
  const domain = new EventPayloadCatalog();

  it('gives a valid payload back as an instance of its class, extra fields kept', () => {
    const check = domain.check('device.allocated', 1, { ...allocated, androidVersion: '14' });
    expect(check.valid).toBe(true);
    const payload = check.valid ? check.payload : undefined;
    expect(payload).toBeInstanceOf(DeviceAllocatedEventData);
    expect(payload).toEqual({ ...allocated, androidVersion: '14' });
  });

  it('says which fields are wrong and why, prefixed with the type and version', () => {
    expect(
      domain.check('device.allocated', 1, {
        ...allocated,
        cpuCores: 0,
        userId: 'nobody',
        expiresAt: '2026-03-01',
      }),
    ).toEqual({
      valid: false,
      error:
        'device.allocated v1: cpuCores: must not be less than 1; ' +
        'expiresAt: must be an ISO-8601 date-time with a time zone; userId: must be a UUID',
    });
  });

  it.each([
    ['a string', 'not an object'],
    ['null', null],
    ['an array', [allocated]],
  ])('refuses data that is %s', (_case, data) => {
    expect(domain.check('device.allocated', 1, data)).toEqual({
      valid: false,
      error: 'device.allocated v1: data: must be an object',
    });
  });

  it('refuses a type or a version it has no class for', () => {
    expect(domain.check('device.allocated', 2, allocated)).toEqual({
      valid: false,
      error: 'device.allocated v2: unknown version (known: v1)',
    });
    expect(domain.check('order.placed', 1, { n: 1 })).toEqual({
      valid: false,
      error: 'order.placed v1: no payload class for this event type',
    });
  });

  it('takes more types, or other versions of a domain type, from the service', () => {
    const catalog = new EventPayloadCatalog({
      'order.placed': { 1: OrderPlaced },
      'user.deleted': { 2: UserDeletedV2 },
    });
    expect(catalog.check('order.placed', 1, { n: 1, item: { sku: 'a' } }).valid).toBe(true);
    expect(catalog.check('user.deleted', 2, { reason: 'asked' }).valid).toBe(true);
    expect(catalog.check('user.deleted', 1, { userId: randomUUID(), tenantId: 't' })).toMatchObject({
      error: 'user.deleted v1: unknown version (known: v2)',
    });
    expect(catalog.check('device.allocated', 1, allocated).valid).toBe(true);
  });

  it('lets no prototype-named key smuggle a field past validation or pollute anything', () => {
    const catalog = new EventPayloadCatalog();
    // As JSON.parse hands them over from a hostile delivery: own keys named __proto__ / constructor.
    const smuggled = JSON.parse('{"__proto__": {"cpuCores": 2, "polluted": true}}') as object;
    expect(catalog.check('device.allocated', 1, smuggled).valid).toBe(false);
    const hijack = JSON.parse(
      JSON.stringify({ ...allocated, cpuCores: 0 }).replace(
        '{',
        '{"constructor":{"prototype":{"polluted":true}},',
      ),
    ) as object;
    expect(catalog.check('device.allocated', 1, hijack)).toMatchObject({ valid: false });
    const withExtras = JSON.parse(
      JSON.stringify(allocated).replace('{', '{"__proto__":{"polluted":true},'),
    ) as object;
    const checked = catalog.check('device.allocated', 1, withExtras);
    expect(checked.valid && Object.getPrototypeOf(checked.payload)).toBe(DeviceAllocatedEventData.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses nested garbage, naming the nested field', () => {
    const catalog = new EventPayloadCatalog({ 'order.placed': { 1: OrderPlaced } });
    expect(catalog.check('order.placed', 1, { n: 1, item: { sku: 7 } })).toEqual({
      valid: false,
      error: 'order.placed v1: item.sku: must be a string',
    });
    expect(catalog.check('order.placed', 1, { n: 1, item: 'x' })).toMatchObject({ valid: false });
  });
});
