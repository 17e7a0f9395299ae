import { IsInt, IsString, Min, validateSync } from 'class-validator';
import { cacheValidationMetadata } from './validation-metadata-cache';

class Base {
  @IsString()
  name!: unknown;
}

class Derived extends Base {
  @IsInt()
  @Min(1)
  count!: unknown;
}

const failures = (value: object) =>
  validateSync(value, { forbidUnknownValues: true }).map((error) => error.property);

describe('cacheValidationMetadata', () => {
  beforeAll(() => cacheValidationMetadata());

  it('answers as class-validator does, inherited rules included, call after call', () => {
    for (let round = 0; round < 3; round += 1) {
      expect(failures(Object.assign(new Derived(), { name: 'a', count: 2 }))).toEqual([]);
      expect(failures(Object.assign(new Derived(), { name: 7, count: 0 })).sort()).toEqual(['count', 'name']);
      expect(failures(Object.assign(new Base(), { name: 7, count: 0 }))).toEqual(['name']);
    }
  });

  it('sees a rule declared after an answer was kept', () => {
    class Late {
      @IsString()
      first!: unknown;
      second!: unknown;
    }
    expect(failures(Object.assign(new Late(), { first: 'x', second: 1 }))).toEqual([]);
    IsString()(Late.prototype, 'second');
    expect(failures(Object.assign(new Late(), { first: 'x', second: 1 }))).toEqual(['second']);
  });

  it('is installed once however often it is called', () => {
    cacheValidationMetadata();
    cacheValidationMetadata();
    expect(failures(Object.assign(new Derived(), { name: 'a', count: 'x' }))).toEqual(['count']);
  });
});
