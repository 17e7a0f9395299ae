import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as ts from 'typescript';
import { ANNOUNCEMENT_EVENTS, DOMAIN_EVENTS } from '@cloudphone/contracts';
import { topicPatternMatches } from '@cloudphone/shared';
import { repositoryRoot } from '@cloudphone/shared/testing';

// Every DOMAIN_EVENTS type needs a consumer. The outbox relay treats an event no queue is bound to
// as an error: it stays unsent, is retried, and every later event of its aggregate waits behind it
// (libs/shared/src/events/outbox-relay.service.ts), so one new event type nobody binds stalls e.g. a
// user's `user.suspended` on its way to device-service. Queues are bound from @OnEvent patterns,
// so this reads them from the sources: `@OnEvent(DOMAIN_EVENTS.<key>)` or a topic pattern string
// (`'billing.*'`), on a class of an app (apps/<app>/src) that another file of that app refers to (its
// module), or on a library class an app refers to (extends or provides, e.g. RenterEventsHandler).
// A decorator argument of any other form fails the check rather than be silently skipped.
// Announcements (ANNOUNCEMENT_EVENTS) are exempt: the relay marks one nobody binds sent.

interface HandlerClass {
  name: string;
  file: string;
  /** The app whose sources declare it, or null for a library class. */
  app: string | null;
  patterns: string[];
}

interface SourceFile {
  path: string;
  app: string | null;
  source: ts.SourceFile;
}

interface Scan {
  classes: HandlerClass[];
  /** Identifiers each file mentions, to tell whether a handler class is used anywhere. */
  references: Map<string, Set<string>>;
  problems: string[];
}

const DOMAIN_EVENT_TYPES: Record<string, string> = DOMAIN_EVENTS;

function productionSources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory())
      return ['node_modules', 'testing'].includes(entry.name) ? [] : productionSources(path);
    return entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}

function sourceRoots(root: string, parent: 'apps' | 'libs'): string[] {
  return readdirSync(join(root, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, parent, entry.name, 'src'));
}

function parse(root: string, path: string, text = readFileSync(path, 'utf8')): SourceFile {
  const [top, app] = relative(root, path).split(sep);
  return {
    path: relative(root, path),
    app: top === 'apps' ? app : null,
    source: ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true),
  };
}

/** The event type or topic pattern one @OnEvent argument names, or a problem. */
function patternOf(argument: ts.Expression, where: string): { pattern?: string; problem?: string } {
  if (ts.isStringLiteral(argument) || ts.isNoSubstitutionTemplateLiteral(argument))
    return { pattern: argument.text };
  if (
    ts.isPropertyAccessExpression(argument) &&
    ts.isIdentifier(argument.expression) &&
    argument.expression.text === 'DOMAIN_EVENTS'
  ) {
    const type = DOMAIN_EVENT_TYPES[argument.name.text];
    return type ? { pattern: type } : { problem: `${where}: DOMAIN_EVENTS.${argument.name.text} is unknown` };
  }
  return { problem: `${where}: @OnEvent(${argument.getText()}) is not a DOMAIN_EVENTS member or a string` };
}

function scan(files: SourceFile[]): Scan {
  const result: Scan = { classes: [], references: new Map(), problems: [] };
  for (const file of files) {
    const identifiers = new Set<string>();
    const visit = (node: ts.Node): void => {
      if (ts.isIdentifier(node)) identifiers.add(node.text);
      if (ts.isClassDeclaration(node)) {
        const patterns = node.members.flatMap((member) =>
          (ts.canHaveDecorators(member) ? (ts.getDecorators(member) ?? []) : []).flatMap((decorator) => {
            const call = decorator.expression;
            if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression)) return [];
            if (call.expression.text !== 'OnEvent') return [];
            const line = file.source.getLineAndCharacterOfPosition(decorator.getStart()).line + 1;
            return call.arguments.flatMap((argument) => {
              const { pattern, problem } = patternOf(argument, `${file.path}:${line}`);
              if (problem) result.problems.push(problem);
              return pattern ? [pattern] : [];
            });
          }),
        );
        if (patterns.length > 0) {
          const name = node.name?.text ?? '(anonymous class)';
          result.classes.push({ name, file: file.path, app: file.app, patterns });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file.source);
    result.references.set(file.path, identifiers);
  }
  return result;
}

/** Apps that bind a handler class's patterns: its own app if another of its files names it, else none. */
function bindingApps(handler: HandlerClass, files: SourceFile[], references: Scan['references']): string[] {
  const users = files.filter(
    (file) =>
      file.app !== null &&
      file.path !== handler.file &&
      (handler.app === null || file.app === handler.app) &&
      references.get(file.path)?.has(handler.name),
  );
  return [...new Set(users.map((file) => file.app as string))];
}

/** DOMAIN_EVENTS types no app binds, as `type (DOMAIN_EVENTS.key)`, and the scan's problems. */
function unconsumedEvents(files: SourceFile[]): { unconsumed: string[]; problems: string[] } {
  const { classes, references, problems } = scan(files);
  const bound = classes.flatMap((handler) =>
    bindingApps(handler, files, references).length > 0 ? handler.patterns : [],
  );
  const unconsumed = Object.entries(DOMAIN_EVENT_TYPES)
    .filter(([, type]) => !ANNOUNCEMENT_EVENTS.has(type))
    .filter(([, type]) => !bound.some((pattern) => topicPatternMatches(pattern, type)))
    .map(([key, type]) => `${type} (DOMAIN_EVENTS.${key})`);
  return { unconsumed, problems };
}

describe('every domain event has a consumer', () => {
  it('binds each DOMAIN_EVENTS type to an @OnEvent handler of some app', () => {
    const root = repositoryRoot();
    const paths = [...sourceRoots(root, 'apps'), ...sourceRoots(root, 'libs')].flatMap(productionSources);
    const files = paths.map((path) => parse(root, path));
    expect(scan(files).classes.length).toBeGreaterThan(5);
    // A type listed here reaches no queue: the relay would retry it forever and hold back every
    // later event of its aggregate. Bind it (in notification-service if nothing else needs it).
    expect(unconsumedEvents(files)).toEqual({ unconsumed: [], problems: [] });
  });

  describe('reading the sources', () => {
    const root = '/repo';
    const file = (path: string, text: string) => parse(root, join(root, path), text);
    const module = (app: string, ...names: string[]) =>
      file(`apps/${app}/src/app.module.ts`, `@Module({ providers: [${names.join(', ')}] }) class M {}`);
    const handler = (path: string, name: string, decorators: string, base = '') =>
      file(path, `export class ${name} ${base} {\n  ${decorators}\n  handle(event) {}\n}`);
    const allTypesBut = (...types: string[]) =>
      Object.entries(DOMAIN_EVENT_TYPES)
        .filter(([, type]) => !types.includes(type))
        .map(([key]) => `@OnEvent(DOMAIN_EVENTS.${key})`)
        .join('\n  ');

    it('reports an event type no handler binds, by name', () => {
      const files = [
        handler('apps/a/src/x.handler.ts', 'X', allTypesBut('user.registered', 'billing.invoice_issued')),
        module('a', 'X'),
      ];
      expect(unconsumedEvents(files).unconsumed).toEqual([
        'billing.invoice_issued (DOMAIN_EVENTS.billingInvoiceIssued)',
        'user.registered (DOMAIN_EVENTS.userRegistered)',
      ]);
    });

    it('does not ask for a consumer of an announcement', () => {
      const files = [
        handler('apps/a/src/x.handler.ts', 'X', allTypesBut('billing.usage_recorded')),
        module('a', 'X'),
      ];
      expect(unconsumedEvents(files).unconsumed).toEqual([]);
    });

    it('accepts topic pattern strings', () => {
      const files = [
        handler(
          'apps/a/src/x.handler.ts',
          'X',
          `${allTypesBut('user.registered', 'billing.invoice_issued')}`,
        ),
        handler('apps/a/src/y.handler.ts', 'Y', "@OnEvent('user.*', 'billing.#')"),
        module('a', 'X', 'Y'),
      ];
      expect(unconsumedEvents(files)).toEqual({ unconsumed: [], problems: [] });
      expect(topicPatternMatches('user.*', 'user.a.b')).toBe(false);
      expect(topicPatternMatches('#.registered', 'user.registered')).toBe(true);
    });

    it('counts a library handler only where an app refers to it, an app handler only where its app does', () => {
      const all = allTypesBut();
      const library = handler('libs/shared/src/events/z.handler.ts', 'LibraryHandler', all);
      const orphan = handler('apps/a/src/x.handler.ts', 'Orphan', all);
      expect(unconsumedEvents([library, orphan]).unconsumed).toHaveLength(
        Object.keys(DOMAIN_EVENTS).length - ANNOUNCEMENT_EVENTS.size,
      );
      const extending = file('apps/b/src/y.handler.ts', 'class Y extends LibraryHandler {}');
      expect(unconsumedEvents([library, extending]).unconsumed).toEqual([]);
      // Another app's module naming a class of the same name does not register this one.
      expect(unconsumedEvents([orphan, module('b', 'Orphan')]).unconsumed).not.toEqual([]);
      expect(unconsumedEvents([orphan, module('a', 'Orphan')]).unconsumed).toEqual([]);
    });

    it('fails on an argument it cannot read instead of skipping it', () => {
      const files = [handler('apps/a/src/x.handler.ts', 'X', '@OnEvent(EVENT_NAME)'), module('a', 'X')];
      expect(unconsumedEvents(files).problems).toEqual([
        'apps/a/src/x.handler.ts:2: @OnEvent(EVENT_NAME) is not a DOMAIN_EVENTS member or a string',
      ]);
    });
  });
});
