// Four suites: unit (*.spec.ts, no servers), integration (*.int-spec.ts, real Postgres/Redis/
// RabbitMQ and real processes of the built apps), e2e (multi-process scenarios) and cluster (the PM2
// proof: 18 workers, which must not share the two cores with another fleet, so `npm test` runs it
// beside the unit suite and the other two suites after it).
const swcTransform = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swcTransform },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@cloudphone/shared$': '<rootDir>/libs/shared/src/index.ts',
    '^@cloudphone/shared/testing$': '<rootDir>/libs/shared/src/testing/index.ts',
    '^@cloudphone/contracts$': '<rootDir>/libs/contracts/src/index.ts',
  },
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  testTimeout: 60000,
  // Two files at a time, whatever the core count Jest sees: most of a file's time is waiting on
  // the processes and servers it drives, which a second file fills, and more than two fleets side
  // by side only make each one's timing looser.
  maxWorkers: 2,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools,bench}/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/shared/src/testing/jest-global-setup.js',
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/e2e/cluster.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/shared/src/testing/jest-global-setup.js',
    },
    {
      ...shared,
      displayName: 'cluster',
      testMatch: ['<rootDir>/e2e/cluster.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/shared/src/testing/jest-global-setup.js',
    },
  ],
};
