import { TcpProxy, TEST_SERVERS, waitFor } from '../testing';
import { RabbitMqConnectionManager } from './rabbitmq-connection.manager';

// Failover between the brokers of RABBITMQ_URL, against the real RabbitMQ behind two cuttable
// proxies standing in for two nodes of a cluster.
describe('RabbitMqConnectionManager (real RabbitMQ)', () => {
  const broker = new URL(TEST_SERVERS.rabbitmqUrl);
  let first: TcpProxy;
  let second: TcpProxy;
  let manager: RabbitMqConnectionManager | undefined;

  beforeEach(async () => {
    first = await new TcpProxy(broker.hostname, Number(broker.port || 5672)).start();
    second = await new TcpProxy(broker.hostname, Number(broker.port || 5672)).start();
  });

  afterEach(async () => {
    await manager?.close();
    await first.close();
    await second.close();
  });

  const publishOnce = async (connection: RabbitMqConnectionManager) => {
    const channel = await connection.createConfirmChannel();
    await channel.close();
  };

  it('connects through the second broker while the first is down, and fails back over when that one goes', async () => {
    first.cut();
    manager = new RabbitMqConnectionManager({
      urls: [first.wrap(TEST_SERVERS.rabbitmqUrl), second.wrap(TEST_SERVERS.rabbitmqUrl)],
      connectionName: 'failover-test',
      reconnectSeconds: 0.2,
    });
    let connects = 0;
    let disconnects = 0;
    manager.on('connected', () => (connects += 1));
    manager.on('disconnected', () => (disconnects += 1));
    manager.start();
    await waitFor(() => manager!.isConnected(), { description: 'a connection through the second broker' });
    await expect(manager.check()).resolves.toBeUndefined();
    await publishOnce(manager);
    expect(second.connectionCount()).toBeGreaterThan(0);

    first.restore();
    second.cut();
    await waitFor(() => disconnects === 1, { description: 'the loss of the second broker' });
    await expect(manager.check()).rejects.toThrow('not connected');
    await waitFor(() => manager!.isConnected() && connects === 2, {
      description: 'a new connection through the first broker',
    });
    await publishOnce(manager);
    expect(first.connectionCount()).toBeGreaterThan(0);
  });

  it('keeps trying while every broker is down, and connects once one is back', async () => {
    first.cut();
    second.cut();
    manager = new RabbitMqConnectionManager({
      urls: [first.wrap(TEST_SERVERS.rabbitmqUrl), second.wrap(TEST_SERVERS.rabbitmqUrl)],
      connectionName: 'outage-test',
      reconnectSeconds: 0.2,
    });
    manager.start();
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(manager.isConnected()).toBe(false);
    await expect(manager.createConfirmChannel()).rejects.toThrow('RabbitMQ is not connected');
    second.restore();
    await waitFor(() => manager!.isConnected(), { description: 'a connection once a broker is back' });
    await publishOnce(manager);
  });
});
