import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { OutgoingEmail } from './email-transport';
import { SmtpEmailTransport } from './smtp-email.transport';

// The SMTP driver against a real SMTP server (smtp-server, in this process): what it sends, and how
// each way a server can fail is classified.

type Reply = 'accept' | { code: number; message: string };

interface TestSmtpServer {
  url: string;
  raw: string[];
  /** What RCPT TO and the end of DATA answer for the next messages (default accept). */
  rcpt: Reply[];
  data: Reply[];
  close(): Promise<void>;
}

function smtpError(reply: Exclude<Reply, 'accept'>): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

async function startSmtpServer(
  options: { auth?: { user: string; pass: string } } = {},
): Promise<TestSmtpServer> {
  const state = { raw: [] as string[], rcpt: [] as Reply[], data: [] as Reply[] };
  const server = new SMTPServer({
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass)
        callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      const reply = state.rcpt.shift() ?? 'accept';
      callback(reply === 'accept' ? undefined : smtpError(reply));
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const reply = state.data.shift() ?? 'accept';
        if (reply !== 'accept') return callback(smtpError(reply));
        state.raw.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  const credentials = options.auth ? `${options.auth.user}:wrong-password@` : '';
  return {
    url: `smtp://${credentials}127.0.0.1:${port}`,
    ...state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function email(to = 'ada@example.com'): OutgoingEmail {
  const id = randomUUID();
  return {
    from: 'Cloudphone <no-reply@cloudphone.test>',
    to: { address: to, displayName: 'Ada "A" Lovelace' },
    subject: 'Hello',
    text: 'Plain body',
    html: '<p>HTML body</p>',
    messageId: `<${id}@cloudphone.notifications>`,
    headers: { 'X-Cloudphone-Delivery': id, 'Auto-Submitted': 'auto-generated' },
  };
}

describe('SmtpEmailTransport against a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let transport: SmtpEmailTransport;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    transport = new SmtpEmailTransport({ url: smtp.url, timeoutMs: 2000 });
  });

  afterAll(async () => {
    await transport?.close();
    await smtp?.close();
  });

  it('sends the message with its headers', async () => {
    const message = email();
    expect(await transport.send(message)).toEqual({ result: 'sent' });
    const parsed = await simpleParser(smtp.raw.at(-1) ?? '');
    expect(parsed.messageId).toBe(message.messageId);
    expect(parsed.headers.get('x-cloudphone-delivery')).toBe(message.headers['X-Cloudphone-Delivery']);
    expect(parsed.to).toMatchObject({ value: [{ address: 'ada@example.com', name: 'Ada "A" Lovelace' }] });
    expect(parsed.text?.trim()).toBe('Plain body');
  });

  it('classifies 451 after DATA as transient, and the next attempt goes through', async () => {
    smtp.data.push({ code: 451, message: '4.3.0 Try again later' });
    const message = email();
    expect(await transport.send(message)).toMatchObject({
      result: 'failed',
      code: 'SMTP_DEFERRED',
      permanent: false,
    });
    expect(await transport.send(message)).toEqual({ result: 'sent' });
    expect((await simpleParser(smtp.raw.at(-1) ?? '')).messageId).toBe(message.messageId);
  });

  it('classifies 550 to RCPT TO as permanent', async () => {
    smtp.rcpt.push({ code: 550, message: '5.1.1 Mailbox unavailable' });
    const failure = await transport.send(email('gone@example.com'));
    expect(failure).toMatchObject({ result: 'failed', code: 'SMTP_REJECTED', permanent: true });
    expect(failure.result === 'failed' && failure.error).toContain('550');
  });

  it('classifies a refused connection as transient', async () => {
    const closed = await startSmtpServer();
    await closed.close();
    const unreachable = new SmtpEmailTransport({ url: closed.url, timeoutMs: 2000 });
    try {
      expect(await unreachable.send(email())).toMatchObject({
        result: 'failed',
        code: 'SMTP_UNAVAILABLE',
        permanent: false,
      });
    } finally {
      await unreachable.close();
    }
  });

  it('gives up on a server that never greets after SMTP_TIMEOUT_MS, as transient', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const mute = new SmtpEmailTransport({ url: `smtp://127.0.0.1:${port}`, timeoutMs: 300 });
    try {
      const started = Date.now();
      expect(await mute.send(email())).toMatchObject({
        result: 'failed',
        code: 'SMTP_TIMEOUT',
        permanent: false,
      });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await mute.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('classifies refused credentials as transient (a configuration fault, not the message’s)', async () => {
    const guarded = await startSmtpServer({ auth: { user: 'mailer', pass: 'right-password' } });
    const wrong = new SmtpEmailTransport({ url: guarded.url, timeoutMs: 2000 });
    try {
      expect(await wrong.send(email())).toMatchObject({
        result: 'failed',
        code: 'SMTP_AUTH_FAILED',
        permanent: false,
      });
    } finally {
      await wrong.close();
      await guarded.close();
    }
  });
});
