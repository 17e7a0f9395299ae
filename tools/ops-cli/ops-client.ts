import { SERVICE_NAMES, type ServiceName } from '@cloudphone/contracts';
import { OpsCliUsageError, type OpsCliSettings, type ServiceEndpoint } from './ops-cli.settings';

const TIMEOUT_MS = 10_000;

/** A service's refusal or an unreachable service, with what the operator needs to see. */
export class OpsCallError extends Error {
  constructor(
    readonly service: ServiceName,
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(`${service}: ${message}`);
  }
}

/** Calls the services' operator endpoints with the CLI's token. */
export class OpsClient {
  private cachedToken: string | null = null;

  constructor(private readonly settings: OpsCliSettings) {}

  /** Every service, or only `--service <name>` (refusing a name that is no service). */
  services(only?: string): ServiceEndpoint[] {
    if (only === undefined) return this.settings.services;
    if (!(SERVICE_NAMES as string[]).includes(only)) {
      throw new OpsCliUsageError(`--service must be one of ${SERVICE_NAMES.join(', ')}`);
    }
    return this.settings.services.filter((service) => service.name === only);
  }

  async call<T>(service: ServiceEndpoint, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    this.cachedToken ??= this.settings.token();
    let response: Response;
    try {
      response = await fetch(`${service.url}/${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.cachedToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new OpsCallError(service.name, `unreachable at ${service.url} (${cause})`);
    }
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      const answer = (parsed ?? {}) as { code?: string; message?: string };
      throw new OpsCallError(
        service.name,
        `${method} /${path} answered ${response.status} ${answer.code ?? ''}: ${answer.message ?? text.slice(0, 200)}`,
        response.status,
        answer.code,
      );
    }
    return parsed as T;
  }

  /** The plain text of a public path (`/metrics`, `/health/ready`) and its status, without a token. */
  async text(service: ServiceEndpoint, path: string): Promise<{ status: number; text: string }> {
    try {
      const response = await fetch(`${service.url}/${path}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      return { status: response.status, text: await response.text() };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new OpsCallError(service.name, `unreachable at ${service.url} (${cause})`);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
