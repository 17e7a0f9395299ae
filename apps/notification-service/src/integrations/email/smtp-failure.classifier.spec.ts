import { classifySmtpFailure } from './smtp-failure.classifier';

/** An error shaped as nodemailer's smtp-connection formats it. */
function smtpError(fields: { message?: string; code?: string; responseCode?: number; command?: string }) {
  return Object.assign(new Error(fields.message ?? 'failed'), fields);
}

describe('classifySmtpFailure', () => {
  it.each([
    [
      'connection refused',
      { code: 'ECONNECTION', message: 'connect ECONNREFUSED 127.0.0.1:25', command: 'CONN' },
      'SMTP_UNAVAILABLE',
    ],
    [
      'a dropped socket',
      { code: 'ESOCKET', message: 'read ECONNRESET', command: 'CONN' },
      'SMTP_UNAVAILABLE',
    ],
    [
      'a DNS failure',
      { code: 'EDNS', message: 'getaddrinfo ENOTFOUND smtp.example.com' },
      'SMTP_UNAVAILABLE',
    ],
    ['a TLS failure', { code: 'ETLS', message: 'self-signed certificate' }, 'SMTP_UNAVAILABLE'],
    [
      'a connection timeout',
      { code: 'ETIMEDOUT', message: 'Connection timeout', command: 'CONN' },
      'SMTP_TIMEOUT',
    ],
    [
      'a greeting timeout',
      { code: 'ETIMEDOUT', message: 'Greeting never received', command: 'CONN' },
      'SMTP_TIMEOUT',
    ],
    [
      '451 to DATA',
      {
        code: 'EMESSAGE',
        responseCode: 451,
        command: 'DATA',
        message: 'Message failed: 451 4.3.0 try later',
      },
      'SMTP_DEFERRED',
    ],
    [
      '450 to RCPT (greylisting)',
      { code: 'EENVELOPE', responseCode: 450, command: 'RCPT TO' },
      'SMTP_DEFERRED',
    ],
    ['421 at the greeting', { code: 'EPROTOCOL', responseCode: 421, command: 'CONN' }, 'SMTP_DEFERRED'],
    [
      '452 insufficient storage',
      { code: 'EENVELOPE', responseCode: 452, command: 'MAIL FROM' },
      'SMTP_DEFERRED',
    ],
    [
      'a 535 authentication failure',
      { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN' },
      'SMTP_AUTH_FAILED',
    ],
    [
      '554 at the greeting (our address blocked)',
      { code: 'EPROTOCOL', responseCode: 554, command: 'CONN' },
      'SMTP_ERROR',
    ],
    ['an unknown error', { message: 'something odd' }, 'SMTP_ERROR'],
  ])('%s is transient (%s)', (_case, fields, code) => {
    expect(classifySmtpFailure(smtpError(fields))).toMatchObject({
      result: 'failed',
      code,
      permanent: false,
    });
  });

  it.each([
    ['550 mailbox unavailable to RCPT', { code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' }],
    ['553 bad sender to MAIL FROM', { code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM' }],
    ['554 content refused after DATA', { code: 'EMESSAGE', responseCode: 554, command: 'DATA' }],
    ['552 message too big', { code: 'EMESSAGE', responseCode: 552 }],
  ])('%s is permanent', (_case, fields) => {
    expect(classifySmtpFailure(smtpError(fields))).toMatchObject({
      result: 'failed',
      code: 'SMTP_REJECTED',
      permanent: true,
    });
  });

  it('keeps the reply in one bounded line', () => {
    const failure = classifySmtpFailure(
      smtpError({
        code: 'EENVELOPE',
        responseCode: 550,
        command: 'RCPT TO',
        message: `550 no\r\nsuch\u0000${'x'.repeat(500)}`,
      }),
    );
    expect(failure.error).toMatch(/^550 no such x+…$/);
    expect(failure.error).toHaveLength(300);
  });

  it('keeps no address a server echoes', () => {
    const failure = classifySmtpFailure(
      smtpError({
        code: 'EENVELOPE',
        responseCode: 550,
        command: 'RCPT TO',
        message:
          "Can't send mail - all recipients were rejected: 550 5.1.1 <ada.l+x@example.com>: Recipient address rejected",
      }),
    );
    expect(failure.error).toBe(
      "Can't send mail - all recipients were rejected: 550 5.1.1 <<address>>: Recipient address rejected",
    );
  });

  it('classifies what is not an Error at all', () => {
    expect(classifySmtpFailure('boom')).toMatchObject({
      code: 'SMTP_ERROR',
      error: 'boom',
      permanent: false,
    });
    expect(classifySmtpFailure(null)).toMatchObject({ code: 'SMTP_ERROR', permanent: false });
    expect(classifySmtpFailure({ responseCode: '550' })).toMatchObject({
      code: 'SMTP_ERROR',
      permanent: false,
    });
  });
});
