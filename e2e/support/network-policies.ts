import { BlockList, isIPv4 } from 'node:net';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer as Peer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort as PolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';

type LabelSelector = NonNullable<Peer['podSelector']>;

/** One end of a connection: a pod (labels, namespace and its labels, named ports) or an address. */
export interface Endpoint {
  ip: string;
  /** Absent for an address outside the cluster. */
  pod?: {
    namespace: string;
    namespaceLabels: Record<string, string>;
    labels: Record<string, string>;
    /** Container port names to numbers, for policies that name a port. */
    ports?: Record<string, number>;
  };
}

export interface Connection {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol?: 'TCP' | 'UDP';
}

/**
 * Decides a connection as the NetworkPolicy API defines it (networking.k8s.io/v1): a pod selected by
 * a policy of a direction is isolated in that direction and admits only what some policy's rule
 * allows; a connection needs the source's egress and the destination's ingress. Covers the parts
 * these manifests use: label selectors, namespace selectors, ipBlocks with exceptions, named and
 * numbered ports. Not SCTP, endPort or the CNI-specific extras.
 */
export class NetworkPolicyModel {
  constructor(private readonly policies: INetworkPolicy[]) {}

  allows(connection: Connection): boolean {
    return this.egressAllows(connection) && this.ingressAllows(connection);
  }

  ingressAllows({ from, to, port, protocol = 'TCP' }: Connection): boolean {
    const target = to.pod;
    if (!target) return true;
    return this.decide(target, 'Ingress', (policy) =>
      (policy.spec?.ingress ?? []).some(
        (rule) => peersMatch(rule.from, from, policy) && portsMatch(rule.ports, port, protocol, target.ports),
      ),
    );
  }

  egressAllows({ from, to, port, protocol = 'TCP' }: Connection): boolean {
    if (!from.pod) return true;
    return this.decide(from.pod, 'Egress', (policy) =>
      (policy.spec?.egress ?? []).some(
        (rule) => peersMatch(rule.to, to, policy) && portsMatch(rule.ports, port, protocol, to.pod?.ports),
      ),
    );
  }

  private decide(
    pod: NonNullable<Endpoint['pod']>,
    direction: 'Ingress' | 'Egress',
    allowedBy: (policy: INetworkPolicy) => boolean,
  ): boolean {
    const selecting = this.policies.filter(
      (policy) =>
        policy.metadata?.namespace === pod.namespace &&
        policyTypes(policy).includes(direction) &&
        selectorMatches(policy.spec?.podSelector ?? {}, pod.labels),
    );
    return selecting.length === 0 || selecting.some(allowedBy);
  }
}

/** The API's default: Ingress always, Egress when the policy has egress rules. */
function policyTypes(policy: INetworkPolicy): string[] {
  return policy.spec?.policyTypes ?? ['Ingress', ...(policy.spec?.egress ? ['Egress'] : [])];
}

/** An absent or empty `from`/`to` admits every peer. */
function peersMatch(peers: Peer[] | undefined, endpoint: Endpoint, policy: INetworkPolicy): boolean {
  if (!peers || peers.length === 0) return true;
  return peers.some((peer) => {
    if (peer.ipBlock) {
      const blocks = new BlockList();
      const type = isIPv4(endpoint.ip) ? 'ipv4' : 'ipv6';
      const [network, prefix] = peer.ipBlock.cidr.split('/');
      if (isIPv4(network) !== (type === 'ipv4')) return false;
      blocks.addSubnet(network, Number(prefix), type);
      const excluded = new BlockList();
      for (const cidr of peer.ipBlock.except ?? []) {
        const [address, bits] = cidr.split('/');
        excluded.addSubnet(address, Number(bits), isIPv4(address) ? 'ipv4' : 'ipv6');
      }
      return blocks.check(endpoint.ip, type) && !excluded.check(endpoint.ip, type);
    }
    const pod = endpoint.pod;
    if (!pod) return false;
    const namespaceMatches = peer.namespaceSelector
      ? selectorMatches(peer.namespaceSelector, pod.namespaceLabels)
      : pod.namespace === policy.metadata?.namespace;
    return namespaceMatches && (!peer.podSelector || selectorMatches(peer.podSelector, pod.labels));
  });
}

function portsMatch(
  ports: PolicyPort[] | undefined,
  port: number,
  protocol: string,
  named: Record<string, number> = {},
): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some(
    (candidate) =>
      (candidate.protocol ?? 'TCP') === protocol &&
      (candidate.port === undefined ||
        (typeof candidate.port === 'number' ? candidate.port : named[candidate.port]) === port),
  );
}

/** A label selector: every matchLabels pair and every matchExpressions requirement; {} selects all. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return (
    pairs &&
    (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
      switch (operator) {
        case 'In':
          return key in labels && values.includes(labels[key]);
        case 'NotIn':
          return !(key in labels) || !values.includes(labels[key]);
        case 'Exists':
          return key in labels;
        case 'DoesNotExist':
          return !(key in labels);
        default:
          throw new Error(`unknown label selector operator ${operator}`);
      }
    })
  );
}
