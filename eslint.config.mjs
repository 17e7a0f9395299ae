import nx from '@nx/eslint-plugin';

const services = ['user', 'device', 'billing', 'notification', 'proxy', 'sms-receive'];

const scheduleBan = {
  name: '@nestjs/schedule',
  message:
    'Plain @Cron/@Interval/@Timeout run on every replica. Use @ClusterSafeCron from @cloudphone/shared.',
};
const testingBan = {
  name: '@cloudphone/shared/testing',
  message: 'Test helpers are for tests only; production code imports @cloudphone/shared.',
};
// Data access has one home: repositories run SQL through SqlClient; services group repository calls
// with TransactionRunner. node-postgres (the pool and its connections) stays behind
// libs/shared/src/database, which DatabaseModule wires once.
const driverBans = [
  {
    name: 'pg',
    message:
      'node-postgres stays behind libs/shared/src/database: repositories use SqlClient, services TransactionRunner.',
  },
];
const sqlBan = {
  name: '@cloudphone/shared',
  importNames: ['SqlClient', 'DatabasePool', 'findPage', 'TableMap'],
  message: 'Only repositories (*.repository.ts) run SQL; call a repository method instead.',
};
// A module reaches a sibling module only through the sibling's index.ts, which exports what it
// offers (never its repositories: no module touches another module's tables).
const siblingModuleBan = {
  group: ['../*/*', '!../../**'],
  message: "Import a sibling module through its index.ts ('../<module>'), not its internal files.",
};
// A module may still reach its app's config and provider adapters (src/integrations/<kind>).
const leaveModuleBan = {
  group: ['../../*', '!../../config', '!../../config/*', '!../../integrations', '!../../integrations/**'],
  message: 'Do not climb out of a module folder with ../../; import through a library entry point.',
};

// The same two rules one folder deeper, for a module's sub-folders (jobs/, events/, and a
// sub-domain such as allocations/reservations/): the app's config and integrations are three levels
// up, sibling modules two, and those still only through their index.ts.
const subfolderLeaveModuleBan = {
  group: [
    '../../../*',
    '!../../../config',
    '!../../../config/*',
    '!../../../integrations',
    '!../../../integrations/**',
  ],
  message: 'Do not climb out of a module folder; import through a library entry point.',
};
const subfolderSiblingModuleBan = {
  group: ['../../*/*', '!../../../**'],
  message: "Import a sibling module through its index.ts ('../../<module>'), not its internal files.",
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/coverage', '**/.nx'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          banTransitiveDependencies: false,
          checkDynamicDependenciesExceptions: [],
          depConstraints: [
            // Two axes: what a project is (type) and who owns it (scope).
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            // Contracts are shapes shared by callers and servers: no runtime library may leak in.
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: [],
              allowedExternalImports: ['class-validator', 'class-transformer', '@nestjs/swagger'],
            },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            ...services.map((service) => ({
              sourceTag: `scope:${service}`,
              onlyDependOnLibsWithTags: [`scope:${service}`, 'scope:shared'],
            })),
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['apps/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [scheduleBan], patterns: [leaveModuleBan] }] },
  },
  {
    files: ['apps/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [scheduleBan, testingBan, ...driverBans, sqlBan], patterns: [leaveModuleBan] },
      ],
    },
  },
  {
    files: ['apps/*/src/**/*.repository.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [scheduleBan, testingBan, ...driverBans], patterns: [leaveModuleBan] },
      ],
    },
  },
  {
    files: ['libs/shared/src/**/*.ts'],
    ignores: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.repository.ts',
      'libs/shared/src/database/**',
      'libs/shared/src/testing/**',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: driverBans }] },
  },
  {
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', 'libs/shared/src/testing/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message:
            'Read configuration through the app config class (loadConfig in main.ts), not process.env.',
        },
      ],
    },
  },
  {
    files: ['apps/*/src/main.ts', 'libs/shared/src/config/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['apps/*/src/modules/*/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [scheduleBan, testingBan, ...driverBans, sqlBan],
          patterns: [leaveModuleBan, siblingModuleBan],
        },
      ],
    },
  },
  {
    files: ['apps/*/src/modules/*/*.repository.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [scheduleBan, testingBan, ...driverBans], patterns: [leaveModuleBan, siblingModuleBan] },
      ],
    },
  },
  {
    files: ['apps/*/src/modules/*/*/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [scheduleBan, testingBan, ...driverBans, sqlBan],
          patterns: [subfolderLeaveModuleBan, subfolderSiblingModuleBan],
        },
      ],
    },
  },
  {
    files: ['apps/*/src/modules/*/*/*.repository.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [scheduleBan, testingBan, ...driverBans],
          patterns: [subfolderLeaveModuleBan, subfolderSiblingModuleBan],
        },
      ],
    },
  },
  {
    // House rules for production code: small files, and no promise left unhandled.
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts', 'tools/**/*.ts', 'bench/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', 'libs/shared/src/testing/**'],
    languageOptions: {
      parserOptions: { project: './tsconfig.base.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'max-lines': ['error', { max: 400 }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
];
