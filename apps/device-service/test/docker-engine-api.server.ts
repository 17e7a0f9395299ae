import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';

import type {
  DockerEndpoint,
  StubContainerStatus,
  StubContainer,
  InjectedFault,
  RecordedDockerRequest,
} from './docker-engine-api.types';

export type { DockerEndpoint, StubContainerStatus, StubContainer, InjectedFault, RecordedDockerRequest };

interface Held extends StubContainer {
  listener: TcpServer | null;
  sockets: Set<Socket>;
}

interface Reply {
  status: number;
  body?: unknown;
}

const NAME_PATTERN = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

const START_REFUSALS = new Map<StubContainerStatus, string>([
  ['paused', 'cannot start a paused container, try unpause instead'],
  ['removing', 'container is marked for removal and cannot be started'],
  ['dead', 'container is marked for removal and cannot be started'],
]);

const ROUTES: Array<[DockerEndpoint, string, RegExp]> = [
  ['create', 'POST', /^\/containers\/create$/],
  ['list', 'GET', /^\/containers\/json$/],
  ['inspect', 'GET', /^\/containers\/[^/]+\/json$/],
  ['start', 'POST', /^\/containers\/[^/]+\/start$/],
  ['stop', 'POST', /^\/containers\/[^/]+\/stop$/],
  ['restart', 'POST', /^\/containers\/[^/]+\/restart$/],
  ['remove', 'DELETE', /^\/containers\/[^/]+$/],
];

/**
 * A local HTTP server speaking the subset of the Docker Engine API the Redroid driver uses, with
 * the documented status codes and bodies: create (201, 404 no such image, 409 name in use), start
 * (204, 304), stop (204, 304), restart, inspect, remove (204, 404, 409 running without force) and
 * list with label filters. Containers live in memory; a running one's published ports are one real
 * TCP listener on 127.0.0.1 (echoing what it receives), opened on start and closed on stop or
 * remove, so a test can connect to the port Docker "mapped". Faults can be injected per endpoint.
 */
export class DockerEngineApiServer {
  readonly requests: RecordedDockerRequest[] = [];
  /** Images present on the "host"; a create of any other is a 404. */
  readonly images = new Set<string>(['redroid/redroid:13.0.0-latest']);
  private readonly containers = new Map<string, Held>();
  private readonly faults = new Map<DockerEndpoint, InjectedFault[]>();
  // Aborts the waits of delayed answers, so nothing changes after close.
  private readonly closing = new AbortController();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<DockerEngineApiServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('Docker stub has no port');
    const stub = new DockerEngineApiServer(server, `http://127.0.0.1:${address.port}`);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        stub
          .handle(request, Buffer.concat(chunks).toString('utf8'), response)
          .catch((error: unknown) => send(response, failure(500, String(error))));
      });
    });
    return stub;
  }

  injectFault(endpoint: DockerEndpoint, fault: InjectedFault): void {
    this.faults.set(endpoint, [...(this.faults.get(endpoint) ?? []), { times: 1, ...fault }]);
  }

  /** Requests recorded for one endpoint. */
  requestsTo(endpoint: DockerEndpoint): RecordedDockerRequest[] {
    return this.requests.filter((request) => request.endpoint === endpoint);
  }

  /** A copy of the container with this name or id, or undefined. */
  container(reference: string): StubContainer | undefined {
    const held = this.find(reference);
    if (!held) return undefined;
    const { listener: _listener, sockets: _sockets, ...copy } = held;
    return structuredClone(copy);
  }

  /** Creates a container as `docker create` by someone else would (e.g. one the platform does not manage). */
  async addContainer(
    name: string,
    labels: Record<string, string>,
    status: StubContainerStatus,
  ): Promise<void> {
    const held = this.store(name, { Image: [...this.images][0], Labels: labels });
    await this.moveTo(held, status);
  }

  /** Moves a container to a status behind the driver's back (a crash, a pause, a dying daemon). */
  async setStatus(reference: string, status: StubContainerStatus): Promise<void> {
    const held = this.find(reference);
    if (!held) throw new Error(`no container ${reference}`);
    await this.moveTo(held, status);
  }

  async close(): Promise<void> {
    this.closing.abort();
    await Promise.all([...this.containers.values()].map((held) => this.closeListener(held)));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, text: string, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const versioned = /^\/v(\d+\.\d+)(\/.*)$/.exec(url.pathname);
    const path = versioned ? versioned[2] : url.pathname;
    const endpoint = endpointOf(request.method ?? 'GET', path);
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      return send(response, failure(400, 'invalid JSON'));
    }
    const { authorization } = request.headers;
    this.requests.push({
      endpoint,
      path,
      apiVersion: versioned?.[1] ?? null,
      query: url.searchParams,
      body,
      authorization,
    });
    if (endpoint === null) return send(response, failure(404, 'page not found'));
    const fault = this.takeFault(endpoint);
    if (fault?.delayMs) await sleep(fault.delayMs, undefined, { signal: this.closing.signal });
    if (fault?.status) return send(response, failure(fault.status, fault.message ?? 'Something went wrong.'));
    const reference = decodeURIComponent(path.split('/')[2] ?? '');
    send(response, await this.answer(endpoint, reference, url.searchParams, body));
  }

  private async answer(
    endpoint: DockerEndpoint,
    reference: string,
    query: URLSearchParams,
    body: unknown,
  ): Promise<Reply> {
    if (endpoint === 'create') return this.create(query.get('name') ?? '', body);
    if (endpoint === 'list') return this.list(query);
    const held = this.find(reference);
    if (!held) return failure(404, `No such container: ${reference}`);
    switch (endpoint) {
      case 'start':
        if (held.status === 'running') return { status: 304 };
        if (START_REFUSALS.has(held.status)) return failure(409, START_REFUSALS.get(held.status) ?? '');
        await this.moveTo(held, 'running');
        return { status: 204 };
      case 'stop':
        if (held.status === 'created' || held.status === 'exited') return { status: 304 };
        await this.moveTo(held, 'exited');
        return { status: 204 };
      case 'restart':
        await this.moveTo(held, 'exited');
        await this.moveTo(held, 'running');
        return { status: 204 };
      case 'inspect':
        return { status: 200, body: inspection(held) };
      default:
        return this.remove(held, query.get('force') === 'true');
    }
  }

  private create(name: string, body: unknown): Reply {
    if (typeof body !== 'object' || body === null) {
      return failure(400, 'Config cannot be empty in order to create a container');
    }
    if (!NAME_PATTERN.test(name)) {
      return failure(400, `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
    const existing = this.find(name);
    if (existing) {
      return failure(
        409,
        `Conflict. The container name "/${existing.name}" is already in use by container "${existing.id}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    const image = String((body as { Image?: unknown }).Image ?? '');
    if (!this.images.has(image)) return failure(404, `No such image: ${image}`);
    const held = this.store(name, body as Record<string, unknown>);
    return { status: 201, body: { Id: held.id, Warnings: [] } };
  }

  private list(query: URLSearchParams): Reply {
    const filters = JSON.parse(query.get('filters') ?? '{}') as { label?: string[] };
    const labels = filters.label ?? [];
    const all = query.get('all') === 'true' || query.get('all') === '1';
    const listed = [...this.containers.values()].filter(
      (held) =>
        (all || held.status === 'running') &&
        labels.every((filter) => {
          const [key, value] = filter.split('=', 2);
          return value === undefined ? key in held.labels : held.labels[key] === value;
        }),
    );
    return { status: 200, body: listed.map(summary) };
  }

  private async remove(held: Held, force: boolean): Promise<Reply> {
    if (held.status === 'running' && !force) {
      return failure(
        409,
        `cannot remove container "/${held.name}": container is running: stop the container before removing or force remove`,
      );
    }
    await this.closeListener(held);
    this.containers.delete(held.id);
    return { status: 204 };
  }

  private store(name: string, body: Record<string, unknown>): Held {
    const held: Held = {
      id: randomBytes(32).toString('hex'),
      name: name.replace(/^\//, ''),
      image: String(body.Image),
      cmd: (body.Cmd as string[] | undefined) ?? [],
      labels: (body.Labels as Record<string, string> | undefined) ?? {},
      exposedPorts: (body.ExposedPorts as Record<string, object> | undefined) ?? {},
      hostConfig: (body.HostConfig as StubContainer['hostConfig'] | undefined) ?? {},
      status: 'created',
      hostPort: null,
      listener: null,
      sockets: new Set(),
    };
    this.containers.set(held.id, held);
    return held;
  }

  /** By full id or name (with or without its slash); Docker's id prefixes are not needed here. */
  private find(reference: string): Held | undefined {
    const name = reference.replace(/^\//, '');
    return [...this.containers.values()].find((held) => held.id === reference || held.name === name);
  }

  private takeFault(endpoint: DockerEndpoint): InjectedFault | undefined {
    const queue = this.faults.get(endpoint);
    const fault = queue?.[0];
    if (!queue || !fault) return undefined;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) queue.shift();
    return fault;
  }

  private async moveTo(held: Held, status: StubContainerStatus): Promise<void> {
    const published = Object.keys(held.hostConfig.PortBindings ?? {}).length > 0;
    if (status === 'running' && held.listener === null && published) await this.openListener(held);
    // A paused container keeps its ports (connections just stall); every other state frees them.
    if (status !== 'running' && status !== 'paused') await this.closeListener(held);
    held.status = status;
  }

  private async openListener(held: Held): Promise<void> {
    const listener = createTcpServer((socket) => {
      held.sockets.add(socket);
      socket.on('close', () => held.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    held.listener = listener;
    held.hostPort = (listener.address() as { port: number }).port;
  }

  private async closeListener(held: Held): Promise<void> {
    const listener = held.listener;
    held.listener = null;
    held.hostPort = null;
    if (!listener) return;
    for (const socket of held.sockets) socket.destroy();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  }
}

function endpointOf(method: string, path: string): DockerEndpoint | null {
  return ROUTES.find(([, verb, pattern]) => verb === method && pattern.test(path))?.[0] ?? null;
}

/** The host ports of a running container, as inspect's NetworkSettings.Ports shows them. */
function portMap(held: Held): Record<string, Array<{ HostIp: string; HostPort: string }>> {
  if (held.hostPort === null) return {};
  const ports: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const [port, bindings] of Object.entries(held.hostConfig.PortBindings ?? {})) {
    const hostIp = bindings[0]?.HostIp ?? '';
    const hostPort = String(held.hostPort);
    // An empty HostIp binds every interface, which Docker reports for IPv4 and IPv6.
    ports[port] =
      hostIp === ''
        ? [
            { HostIp: '0.0.0.0', HostPort: hostPort },
            { HostIp: '::', HostPort: hostPort },
          ]
        : [{ HostIp: hostIp, HostPort: hostPort }];
  }
  return ports;
}

function inspection(held: Held): object {
  const running = held.status === 'running';
  return {
    Id: held.id,
    Name: `/${held.name}`,
    Image: `sha256:${randomBytes(32).toString('hex')}`,
    State: {
      Status: held.status,
      Running: running || held.status === 'paused',
      Paused: held.status === 'paused',
      Restarting: held.status === 'restarting',
      Dead: held.status === 'dead',
      ExitCode: held.status === 'exited' ? 137 : 0,
    },
    Config: { Image: held.image, Cmd: held.cmd, Labels: held.labels, ExposedPorts: held.exposedPorts },
    HostConfig: held.hostConfig,
    NetworkSettings: { Ports: portMap(held) },
  };
}

function summary(held: Held): object {
  return {
    Id: held.id,
    Names: [`/${held.name}`],
    Image: held.image,
    Command: '/init',
    Labels: held.labels,
    State: held.status,
    Status: held.status === 'running' ? 'Up 1 second' : 'Exited (137) 1 second ago',
    Ports: Object.entries(portMap(held)).flatMap(([port, bindings]) =>
      bindings.map((binding) => ({
        IP: binding.HostIp,
        PrivatePort: Number(port.split('/')[0]),
        PublicPort: Number(binding.HostPort),
        Type: port.split('/')[1],
      })),
    ),
  };
}

/** Docker's error body (the documented ErrorResponse). */
function failure(status: number, message: string): Reply {
  return { status, body: { message } };
}

function send(response: ServerResponse, reply: Reply): void {
  if (response.destroyed) return;
  if (reply.body === undefined) response.writeHead(reply.status).end();
  else
    response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
}
