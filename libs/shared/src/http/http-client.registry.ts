import type { OnApplicationShutdown } from '@nestjs/common';
import { HttpClient, type HttpClientDependencies } from './http-client';
import type { HttpClientPolicy, HttpTarget } from './http-client.policy';

/**
 * Hands out one HttpClient per target service, so every caller of a target shares its circuit
 * breaker and retry budget. Provided by HttpClientModule; a typed client (a ServiceClient in its
 * caller's `src/integrations/<kind>/`) or a direct caller asks it for `client({ name, baseUrl })`.
 */
export class HttpClientRegistry implements OnApplicationShutdown {
  private readonly clients = new Map<string, HttpClient>();

  constructor(
    private readonly defaultPolicy: HttpClientPolicy,
    private readonly dependencies: HttpClientDependencies,
  ) {}

  /** The client of `target.name`, created on first use; the same name with another URL is an error. */
  client(target: HttpTarget): HttpClient {
    const existing = this.clients.get(target.name);
    if (existing) {
      if (existing.baseUrl !== normalise(target.baseUrl)) {
        throw new Error(`HTTP target ${target.name} is already registered with another base URL`);
      }
      return existing;
    }
    const client = new HttpClient(
      target.name,
      normalise(target.baseUrl),
      { ...this.defaultPolicy, ...target.policy },
      target.external ? { ...this.dependencies, serviceToken: undefined } : this.dependencies,
    );
    this.clients.set(target.name, client);
    return client;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.shutdown()));
  }
}

function normalise(baseUrl: string): string {
  return baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
}
