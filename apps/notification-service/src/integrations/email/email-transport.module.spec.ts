import { Logger } from '@nestjs/common';
import { loadConfig } from '@cloudphone/shared';
import { NotificationServiceConfig } from '../../config/notification-service.config';
import type { OutgoingEmail } from './email-transport';
import { emailTransportSettings } from './email-transport.module';
import { SimulatedEmailTransport } from './simulated-email.transport';
import { smtpPoolOptions } from './smtp-email.transport';

const REQUIRED = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
  REDIS_URL: 'redis://127.0.0.1:6379',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
  JWT_SECRET: 'j'.repeat(32),
  SERVICE_TOKEN_SECRET: 's'.repeat(32),
  VENDOR_CREDENTIALS_KEY: 'k'.repeat(32),
};

describe('email transport settings', () => {
  it('defaults to the simulated transport, which needs nothing', () => {
    expect(emailTransportSettings(loadConfig(NotificationServiceConfig, REQUIRED))).toEqual({
      kind: 'simulated',
    });
  });

  it('builds the SMTP settings from SMTP_URL and SMTP_TIMEOUT_MS', () => {
    const config = loadConfig(NotificationServiceConfig, {
      ...REQUIRED,
      EMAIL_TRANSPORT: 'smtp',
      SMTP_URL: 'smtp://mailer:p%40ss%3Aword@smtp.example.com:2525',
      SMTP_TIMEOUT_MS: '3000',
    });
    expect(emailTransportSettings(config)).toEqual({
      kind: 'smtp',
      url: 'smtp://mailer:p%40ss%3Aword@smtp.example.com:2525',
      timeoutMs: 3000,
    });
  });

  it.each([{}, { SMTP_URL: '' }])(
    'stops the start naming SMTP_URL when EMAIL_TRANSPORT=smtp lacks it (%j)',
    (missing) => {
      const config = loadConfig(NotificationServiceConfig, {
        ...REQUIRED,
        EMAIL_TRANSPORT: 'smtp',
        ...missing,
      });
      expect(() => emailTransportSettings(config)).toThrow('SMTP_URL is required when EMAIL_TRANSPORT=smtp');
    },
  );

  it('refuses an SMTP_URL of another scheme', () => {
    expect(() =>
      loadConfig(NotificationServiceConfig, {
        ...REQUIRED,
        EMAIL_TRANSPORT: 'smtp',
        SMTP_URL: 'http://smtp.example.com',
      }),
    ).toThrow(/SMTP_URL/);
  });
});

describe('smtpPoolOptions', () => {
  it('decodes the credentials and applies the timeout to connecting, the greeting and the socket', () => {
    expect(
      smtpPoolOptions({ url: 'smtp://mailer:p%40ss%3Aword@smtp.example.com:2525', timeoutMs: 3000 }),
    ).toMatchObject({
      pool: true,
      host: 'smtp.example.com',
      port: 2525,
      secure: false,
      auth: { user: 'mailer', pass: 'p@ss:word' },
      connectionTimeout: 3000,
      greetingTimeout: 3000,
      socketTimeout: 3000,
      logger: false,
    });
  });

  it('uses TLS from the start for smtps:// (port 465 by default), and no auth without a user', () => {
    const options = smtpPoolOptions({ url: 'smtps://smtp.example.com', timeoutMs: 1000 });
    expect(options).toMatchObject({ secure: true, port: 465 });
    expect(options.auth).toBeUndefined();
    expect(smtpPoolOptions({ url: 'smtp://[::1]:25', timeoutMs: 1000 })).toMatchObject({
      host: '::1',
      port: 25,
    });
  });
});

describe('SimulatedEmailTransport', () => {
  const email = (n: number): OutgoingEmail => ({
    from: 'Cloudphone <no-reply@cloudphone.test>',
    to: { address: `user${n}@example.com`, displayName: 'Ada' },
    subject: 'Reset your password',
    text: 'https://app.example.com/reset-password?token=secret-token-value',
    html: '<a href="https://app.example.com/reset-password?token=secret-token-value">reset</a>',
    messageId: `<${n}@cloudphone.notifications>`,
    headers: {},
  });

  it('keeps the newest messages and logs their metadata, never their content', async () => {
    const logged: unknown[] = [];
    const spy = jest
      .spyOn(Logger.prototype, 'log')
      .mockImplementation((message: unknown) => void logged.push(message));
    try {
      const transport = new SimulatedEmailTransport({ capacity: 2 });
      for (const n of [1, 2, 3]) expect(await transport.send(email(n))).toEqual({ result: 'sent' });
      expect(transport.sent().map((sent) => sent.messageId)).toEqual([
        '<2@cloudphone.notifications>',
        '<3@cloudphone.notifications>',
      ]);
      expect(logged).toHaveLength(3);
      expect(logged[2]).toEqual({
        msg: 'email simulated (not sent)',
        messageId: '<3@cloudphone.notifications>',
        recipientDomain: 'example.com',
      });
      const text = JSON.stringify(logged);
      for (const secret of ['secret-token-value', 'Reset your password', 'user3@'])
        expect(text).not.toContain(secret);
    } finally {
      spy.mockRestore();
    }
  });
});
