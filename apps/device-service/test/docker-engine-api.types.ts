// The shapes of the Docker Engine API stub (docker-engine-api.server.ts) that tests see.

/** The Docker Engine API operations the stub speaks. */
export type DockerEndpoint = 'create' | 'start' | 'stop' | 'restart' | 'inspect' | 'remove' | 'list';

export type StubContainerStatus =
  'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** One container as the stub holds it (a copy: changing it changes nothing). */
export interface StubContainer {
  id: string;
  name: string;
  image: string;
  cmd: string[];
  labels: Record<string, string>;
  exposedPorts: Record<string, object>;
  hostConfig: {
    Privileged?: boolean;
    NanoCpus?: number;
    Memory?: number;
    PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }>>;
  };
  status: StubContainerStatus;
  /** The host port its published ports listen on while it runs (a real TCP listener on 127.0.0.1). */
  hostPort: number | null;
}

/**
 * What the next matching calls get instead of (or before) the normal answer: `status` answers it
 * with `{"message"}` (default "Something went wrong.", Docker's documented example); `delayMs`
 * holds the answer back first (alone, the normal answer follows). `times` calls (default 1).
 */
export interface InjectedFault {
  status?: number;
  message?: string;
  delayMs?: number;
  times?: number;
}

export interface RecordedDockerRequest {
  endpoint: DockerEndpoint | null;
  /** The path without its API version prefix. */
  path: string;
  /** The `1.44` of `/v1.44/...`, or null for an unversioned path. */
  apiVersion: string | null;
  query: URLSearchParams;
  body: unknown;
  authorization: string | undefined;
}
