import { type HttpClient, HttpClientError, HttpRequestError, HttpServerError } from '@cloudphone/shared';

/** A host port binding, as ContainerCreate takes it and ContainerInspect reports it. */
export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** The part of the documented ContainerCreate body (ContainerConfig + HostConfig) this driver sends. */
export interface ContainerCreateBody {
  Image: string;
  Cmd: string[];
  Labels: Record<string, string>;
  ExposedPorts: Record<string, Record<string, never>>;
  HostConfig: {
    Privileged: boolean;
    NanoCpus: number;
    Memory: number;
    PortBindings: Record<string, PortBinding[]>;
  };
}

/** The part of GET /containers/{id}/json this driver reads. */
export interface ContainerInspection {
  Id: string;
  Name: string;
  Config: { Image: string; Cmd: string[] | null; Labels: Record<string, string> | null };
  /** created, running, paused, restarting, removing, exited or dead. */
  State: { Status: string };
  NetworkSettings: { Ports: Record<string, PortBinding[] | null> | null } | null;
}

/** The part of one GET /containers/json entry this driver reads. */
export interface ContainerSummary {
  Id: string;
  /** The name first, with a leading slash (links add `/other/alias` entries). */
  Names: string[];
  State: string;
}

/**
 * A Docker Engine call that failed. `status` is Docker's answer (its `{"message"}` text is the
 * message), or undefined when no answer came: a timeout, a refused connection, an open breaker.
 */
export class DockerEngineError extends Error {
  constructor(
    readonly status: number | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DockerEngineError';
  }
}

export interface DockerEngineClientOptions {
  /** The Engine API version every path is prefixed with (`1.44` → `/v1.44/...`). */
  apiVersion: string;
  /** Docker's `t` for stop and restart: seconds the container gets to exit before it is killed. */
  stopGraceSeconds: number;
}

// Docker answers 304 to a start of a running container and to a stop of a stopped one.
const NOT_MODIFIED = 304;

/**
 * The documented Docker Engine API calls the Redroid driver makes, over the shared HttpClient (its
 * deadline, retries, retry budget and breaker). Retries: GET and DELETE are idempotent; start and
 * stop are declared idempotent too, since Docker answers a repeat with 304 and the container ends
 * in the same state. Create and restart are never repeated: a second create of a name that the
 * first already took is a 409, and a second restart reboots a device that was already booting.
 */
export class DockerEngineClient {
  private readonly prefix: string;

  constructor(
    private readonly http: HttpClient,
    private readonly options: DockerEngineClientOptions,
  ) {
    this.prefix = `v${options.apiVersion}`;
  }

  /** POST /containers/create?name=…: 201 `{Id, Warnings}`; 409 when the name is taken, 404 without the image. */
  async createContainer(name: string, body: ContainerCreateBody): Promise<string> {
    const created = await this.call(() =>
      this.http.post<{ Id: string }>(`${this.prefix}/containers/create`, body, { query: { name } }),
    );
    return created.Id;
  }

  /** POST /containers/{id}/start: 204, or 304 when it already runs (also a success). */
  startContainer(id: string): Promise<void> {
    return this.changeState(id, 'start', { idempotent: true });
  }

  /** POST /containers/{id}/stop?t=…: 204, or 304 when it is not running (also a success). */
  stopContainer(id: string): Promise<void> {
    return this.changeState(id, 'stop', { idempotent: true, query: { t: this.options.stopGraceSeconds } });
  }

  /** POST /containers/{id}/restart?t=…: 204 (a stopped container is started). */
  restartContainer(id: string): Promise<void> {
    return this.changeState(id, 'restart', { query: { t: this.options.stopGraceSeconds } });
  }

  /** GET /containers/{id}/json: 404 when there is no such container. */
  inspectContainer(id: string): Promise<ContainerInspection> {
    return this.call(() =>
      this.http.get<ContainerInspection>(`${this.prefix}/containers/:id/json`, { params: { id } }),
    );
  }

  /** DELETE /containers/{id}?force=true&v=true: kills it if running, removes it and its anonymous volumes. */
  async removeContainer(id: string): Promise<void> {
    await this.call(() =>
      this.http.request({
        method: 'DELETE',
        route: `${this.prefix}/containers/:id`,
        params: { id },
        query: { force: true, v: true },
      }),
    );
  }

  /** GET /containers/json?all=true&filters=…: every container, stopped ones too, carrying all `labels`. */
  listContainers(labels: string[]): Promise<ContainerSummary[]> {
    return this.call(() =>
      this.http.get<ContainerSummary[]>(`${this.prefix}/containers/json`, {
        query: { all: true, filters: JSON.stringify({ label: labels }) },
      }),
    );
  }

  private async changeState(
    id: string,
    action: 'start' | 'stop' | 'restart',
    options: { idempotent?: boolean; query?: Record<string, number> },
  ): Promise<void> {
    // Stop and restart wait up to the grace period for the container to exit, on top of the call's
    // usual time.
    const graceMs = action === 'start' ? 0 : this.options.stopGraceSeconds * 1000;
    try {
      await this.call(() =>
        this.http.request({
          method: 'POST',
          route: `${this.prefix}/containers/:id/${action}`,
          params: { id },
          query: options.query,
          idempotent: options.idempotent,
          deadlineMs: this.http.policy.deadlineMs + graceMs,
          attemptTimeoutMs: this.http.policy.attemptTimeoutMs + graceMs,
        }),
      );
    } catch (error) {
      if (error instanceof DockerEngineError && error.status === NOT_MODIFIED) return;
      throw error;
    }
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw dockerEngineError(error);
    }
  }
}

function dockerEngineError(error: unknown): unknown {
  if (error instanceof HttpClientError || error instanceof HttpServerError) {
    return new DockerEngineError(error.status, dockerMessage(error), { cause: error });
  }
  if (error instanceof HttpRequestError)
    return new DockerEngineError(undefined, error.message, { cause: error });
  return error;
}

/**
 * Docker's own words from its `{"message": "..."}` body. HttpClient reads only the platform's
 * `{code, message}` bodies, so it keeps any other body as text after `<status> HTTP_<status>: ` in
 * its message; that text is parsed here, and the whole message kept when it is not Docker's JSON.
 */
function dockerMessage(error: HttpClientError | HttpServerError): string {
  const marker = `${error.status} ${error.code}: `;
  const at = error.message.indexOf(marker);
  if (at >= 0) {
    try {
      const body = JSON.parse(error.message.slice(at + marker.length)) as { message?: unknown };
      if (typeof body.message === 'string') return body.message;
    } catch {
      // Not Docker's JSON (an empty 304, a proxy's page): the whole message says more.
    }
  }
  return error.message;
}
