import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repositoryRoot } from '@cloudphone/shared/testing';

// The repository's ESLint rules fire on the code they exist to stop, and stay quiet where that
// code is allowed. ESLint loads eslint.config.mjs with a dynamic import, which Jest's module
// sandbox refuses (it needs --experimental-vm-modules), so the snippets are linted by the same
// `new ESLint({ cwd }).lintText(code, { filePath })` call in a plain Node process. Snippets are
// not files of the TypeScript program, so they are linted without type information (the rules
// that need it are off for them); the type-aware rules are checked on a real file, written next
// to this spec for the run and removed after.
const LINT_SNIPPETS = `
const { ESLint } = require('eslint');
const { writeFileSync, rmSync } = require('node:fs');
let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const { snippets, typedProbe } = JSON.parse(input);
  const untyped = new ESLint({
    cwd: process.cwd(),
    overrideConfig: {
      languageOptions: { parserOptions: { project: null } },
      rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
    },
  });
  const messagesOf = (result) =>
    result.messages.map(({ ruleId, severity, message }) => ({ ruleId, severity, message }));
  const results = [];
  for (const { code, filePath } of snippets) results.push(messagesOf((await untyped.lintText(code, { filePath }))[0]));
  writeFileSync(typedProbe.filePath, typedProbe.code);
  try {
    const [typed] = await new ESLint({ cwd: process.cwd() }).lintFiles([typedProbe.filePath]);
    results.push(messagesOf(typed));
  } finally {
    rmSync(typedProbe.filePath, { force: true });
  }
  process.stdout.write(JSON.stringify(results));
});
`;

// 401 lines with a promise nobody awaits and one passed where a void callback is expected.
const TYPED_PROBE_CODE = [
  'async function save(): Promise<number> {\n  return 1;\n}',
  'export function handler(): void {',
  '  save();',
  '  [1].forEach(async () => { await save(); });',
  '}',
  ...Array.from({ length: 394 }, (_, line) => `export const filler${line} = ${line};`),
].join('\n');

interface Snippet {
  name: string;
  filePath: string;
  code: string;
}

interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
}

const SNIPPETS: Snippet[] = [
  {
    name: 'a library importing an app',
    filePath: 'libs/shared/src/metrics/probe.ts',
    code: "import { AppModule } from '../../../../apps/proxy-service/src/app.module';\nexport const probe = AppModule;\n",
  },
  {
    name: 'a relative import across project roots (library to library)',
    filePath: 'libs/contracts/src/common/probe.ts',
    code: "import { MetricsService } from '../../../shared/src/metrics/metrics.service';\nexport const probe = MetricsService;\n",
  },
  {
    name: '@nestjs/schedule imported in an app',
    filePath: 'apps/proxy-service/src/modules/proxies/jobs/probe.job.ts',
    code: "import { Cron } from '@nestjs/schedule';\nexport const probe = Cron;\n",
  },
  {
    name: 'process.env read in an app service file',
    filePath: 'apps/proxy-service/src/modules/proxies/probe.service.ts',
    code: 'export const region = process.env.REGION;\n',
  },
  {
    name: 'process.env read in an app main.ts (allowed)',
    filePath: 'apps/proxy-service/src/main.ts',
    code: 'export const region = process.env.REGION;\n',
  },
  {
    name: 'pg imported in an app service',
    filePath: 'apps/proxy-service/src/modules/proxies/probe.service.ts',
    code: "import { Pool } from 'pg';\nexport const probe = Pool;\n",
  },
  {
    name: 'the database pool imported in an app module',
    filePath: 'apps/proxy-service/src/modules/proxies/probe.module.ts',
    code: "import { DatabasePool } from '@cloudphone/shared';\nexport const probe = DatabasePool;\n",
  },
  {
    name: 'SqlClient imported in an app service',
    filePath: 'apps/proxy-service/src/modules/proxies/probe.service.ts',
    code: "import { SqlClient } from '@cloudphone/shared';\nexport const probe = SqlClient;\n",
  },
  {
    name: 'pg imported in a shared capability outside database/',
    filePath: 'libs/shared/src/cache/probe.ts',
    code: "import { Pool } from 'pg';\nexport const probe = Pool;\n",
  },
  {
    name: 'pg imported in an app repository',
    filePath: 'apps/proxy-service/src/modules/proxies/probe.repository.ts',
    code: "import { DatabaseError } from 'pg';\nexport const probe = DatabaseError;\n",
  },
  {
    name: 'SqlClient in an app repository (allowed)',
    filePath: 'apps/proxy-service/src/modules/proxies/probe.repository.ts',
    code: "import { SqlClient, violatedUniqueConstraint } from '@cloudphone/shared';\nexport const probe = [SqlClient, violatedUniqueConstraint];\n",
  },
  {
    name: 'TransactionRunner in an app service (allowed)',
    filePath: 'apps/proxy-service/src/modules/proxies/probe.service.ts',
    code: "import { TransactionRunner } from '@cloudphone/shared';\nexport const probe = TransactionRunner;\n",
  },
  {
    name: 'a module importing a sibling module internal file',
    filePath: 'apps/billing-service/src/modules/usage/probe.service.ts',
    code: "import { AccountsRepository } from '../accounts/accounts.repository';\nexport const probe = AccountsRepository;\n",
  },
  {
    name: 'a module importing a sibling module through its index (allowed)',
    filePath: 'apps/billing-service/src/modules/usage/probe.service.ts',
    code: "import { AccountBalanceService } from '../accounts';\nexport const probe = AccountBalanceService;\n",
  },
  {
    name: 'a module sub-folder importing a sibling module internal file',
    filePath: 'apps/device-service/src/modules/allocations/reservations/probe.service.ts',
    code: "import { DevicesRepository } from '../../devices/devices.repository';\nexport const probe = DevicesRepository;\n",
  },
  {
    name: 'a module sub-folder climbing out of the app',
    filePath: 'apps/device-service/src/modules/allocations/reservations/probe.service.ts',
    code: "import { AppModule } from '../../../app.module';\nexport const probe = AppModule;\n",
  },
  {
    name: 'SqlClient in a module sub-folder service',
    filePath: 'apps/device-service/src/modules/allocations/reservations/probe.service.ts',
    code: "import { SqlClient } from '@cloudphone/shared';\nexport const probe = SqlClient;\n",
  },
  {
    name: 'a module sub-folder reaching config, integrations, its module and a sibling index (allowed)',
    filePath: 'apps/device-service/src/modules/allocations/reservations/probe.service.ts',
    code: [
      "import { DeviceServiceConfig } from '../../../config/device-service.config';",
      "import { BillingClient } from '../../../integrations/platform-services/billing.client';",
      "import { AllocationsRepository } from '../allocations.repository';",
      "import { DevicesService } from '../../devices';",
      'export const probe = [DeviceServiceConfig, BillingClient, AllocationsRepository, DevicesService];',
      '',
    ].join('\n'),
  },
  {
    name: 'contracts importing the shared runtime library',
    filePath: 'libs/contracts/src/common/probe.ts',
    code: "import { SqlClient } from '@cloudphone/shared';\nexport const probe = SqlClient;\n",
  },
  {
    name: 'contracts importing a runtime package',
    filePath: 'libs/contracts/src/common/probe.ts',
    code: "import { Pool } from 'pg';\nexport const probe = Pool;\n",
  },
  {
    name: 'contracts importing class-validator (allowed)',
    filePath: 'libs/contracts/src/common/probe.ts',
    code: "import { IsUUID } from 'class-validator';\nexport const probe = IsUUID;\n",
  },
  {
    name: 'an app importing a library through its entry point (allowed)',
    filePath: 'apps/proxy-service/src/modules/proxies/probe.service.ts',
    code: "import { MetricsService } from '@cloudphone/shared';\nexport const probe = MetricsService;\n",
  },
];

describe('ESLint rules of the workspace', () => {
  let results: Map<string, LintMessage[]>;

  beforeAll(() => {
    const root = repositoryRoot();
    // The module-boundaries rule reads Nx's cached project graph and silently skips without one;
    // `npm run lint` builds it the same way first.
    execFileSync(join(root, 'node_modules', '.bin', 'nx'), ['show', 'projects'], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'ignore',
    });
    const typedProbe = {
      filePath: join(root, 'tools', 'checks', `lint-probe-${process.pid}.ts`),
      code: TYPED_PROBE_CODE,
    };
    const output = execFileSync(process.execPath, ['-e', LINT_SNIPPETS], {
      cwd: root,
      input: JSON.stringify({
        snippets: SNIPPETS.map(({ code, filePath }) => ({ code, filePath })),
        typedProbe,
      }),
      encoding: 'utf8',
    });
    const messages = JSON.parse(output) as LintMessage[][];
    results = new Map(SNIPPETS.map((snippet, index) => [snippet.name, messages[index]]));
    results.set('typed probe', messages[SNIPPETS.length]);
  }, 60_000);

  const errorsOf = (name: string) =>
    (results.get(name) ?? [])
      .filter((message) => message.severity === 2)
      .map(({ ruleId, message }) => ({ ruleId, message }));

  it('refuses a library importing an app (@nx/enforce-module-boundaries)', () => {
    expect(errorsOf('a library importing an app')).toEqual([
      {
        ruleId: '@nx/enforce-module-boundaries',
        message: expect.stringContaining('Projects cannot be imported by a relative or absolute path'),
      },
    ]);
  });

  it('refuses a relative import across project roots (@nx/enforce-module-boundaries)', () => {
    expect(errorsOf('a relative import across project roots (library to library)')).toEqual([
      {
        ruleId: '@nx/enforce-module-boundaries',
        message: expect.stringContaining('Projects cannot be imported by a relative or absolute path'),
      },
    ]);
  });

  it('refuses @nestjs/schedule in an app (no-restricted-imports)', () => {
    expect(errorsOf('@nestjs/schedule imported in an app')).toEqual([
      { ruleId: 'no-restricted-imports', message: expect.stringContaining('Use @ClusterSafeCron') },
    ]);
  });

  it('refuses process.env outside main.ts and config classes (no-restricted-syntax)', () => {
    expect(errorsOf('process.env read in an app service file')).toEqual([
      { ruleId: 'no-restricted-syntax', message: expect.stringContaining('not process.env') },
    ]);
  });

  it('keeps node-postgres behind libs/shared/src/database and SQL inside repositories (no-restricted-imports)', () => {
    const refusal = (text: string) => [
      { ruleId: 'no-restricted-imports', message: expect.stringContaining(text) },
    ];
    expect(errorsOf('pg imported in an app service')).toEqual(refusal('node-postgres stays behind'));
    expect(errorsOf('pg imported in an app repository')).toEqual(refusal('node-postgres stays behind'));
    expect(errorsOf('the database pool imported in an app module')).toEqual(refusal('Only repositories'));
    expect(errorsOf('SqlClient imported in an app service')).toEqual(refusal('Only repositories'));
    expect(errorsOf('pg imported in a shared capability outside database/')).toEqual(
      refusal('node-postgres stays behind'),
    );
  });

  it('keeps modules apart: a sibling is reached only through its index.ts (no-restricted-imports)', () => {
    expect(errorsOf('a module importing a sibling module internal file')).toEqual([
      { ruleId: 'no-restricted-imports', message: expect.stringContaining('through its index.ts') },
    ]);
  });

  it('applies the same rules in a module sub-folder, one level deeper', () => {
    expect(errorsOf('a module sub-folder importing a sibling module internal file')).toEqual([
      { ruleId: 'no-restricted-imports', message: expect.stringContaining('through its index.ts') },
    ]);
    expect(errorsOf('a module sub-folder climbing out of the app')).toEqual([
      {
        ruleId: 'no-restricted-imports',
        message: expect.stringContaining('Do not climb out of a module folder'),
      },
    ]);
    expect(errorsOf('SqlClient in a module sub-folder service')).toEqual([
      { ruleId: 'no-restricted-imports', message: expect.stringContaining('Only repositories') },
    ]);
    expect(
      errorsOf('a module sub-folder reaching config, integrations, its module and a sibling index (allowed)'),
    ).toEqual([]);
  });

  it('keeps runtime libraries out of contracts (type:contracts)', () => {
    for (const name of [
      'contracts importing the shared runtime library',
      'contracts importing a runtime package',
    ]) {
      expect(errorsOf(name)).toEqual([
        { ruleId: '@nx/enforce-module-boundaries', message: expect.any(String) },
      ]);
    }
  });

  it('refuses files over 400 lines and unhandled promises in production code (type-aware)', () => {
    expect(
      errorsOf('typed probe')
        .map(({ ruleId }) => ruleId)
        .sort(),
    ).toEqual([
      '@typescript-eslint/no-floating-promises',
      '@typescript-eslint/no-misused-promises',
      'max-lines',
    ]);
  });

  it('stays quiet on the allowed forms', () => {
    expect(errorsOf('a module importing a sibling module through its index (allowed)')).toEqual([]);
    expect(errorsOf('contracts importing class-validator (allowed)')).toEqual([]);
    expect(errorsOf('SqlClient in an app repository (allowed)')).toEqual([]);
    expect(errorsOf('TransactionRunner in an app service (allowed)')).toEqual([]);
    expect(errorsOf('process.env read in an app main.ts (allowed)')).toEqual([]);
    expect(errorsOf('an app importing a library through its entry point (allowed)')).toEqual([]);
  });
});
