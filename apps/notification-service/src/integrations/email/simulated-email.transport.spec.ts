import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SimulatedEmailTransport } from './simulated-email.transport';

const email = {
  from: 'Cloudphone <no-reply@cloudphone.local>',
  to: { address: 'ada@example.com', displayName: 'Ada "the" Renter' },
  subject: 'Verify your email address',
  text: 'Open http://localhost:3000/verify-email?token=abc',
  html: '<p>Open <a href="http://localhost:3000/verify-email?token=abc">the link</a></p>',
  messageId: '<0b5d7c1e-3f0a-4a4e-9c1e-5b0f1d2e3a4b@cloudphone.notifications>',
  headers: { 'X-Cloudphone-Delivery': '0b5d7c1e-3f0a-4a4e-9c1e-5b0f1d2e3a4b' },
};

describe('SimulatedEmailTransport', () => {
  let directory: string;

  beforeEach(async () => {
    directory = join(await mkdtemp(join(tmpdir(), 'simulated-mail-')), 'mail');
  });

  afterEach(() => rm(join(directory, '..'), { recursive: true, force: true }));

  it('keeps the email in memory and writes it as an owner-only .eml file a mail reader opens', async () => {
    const transport = new SimulatedEmailTransport({ directory });
    expect(await transport.send(email)).toEqual({ result: 'sent' });
    expect(transport.sent()).toEqual([email]);
    const [file] = await readdir(directory);
    expect(file).toMatch(/-0b5d7c1e-3f0a-4a4e-9c1e-5b0f1d2e3a4bcloudphonenotifications\.eml$/);
    expect((await stat(join(directory, file))).mode & 0o777).toBe(0o600);
    const parsed = await simpleParser(await readFile(join(directory, file)));
    expect(parsed.subject).toBe(email.subject);
    expect(parsed.messageId).toBe(email.messageId);
    expect(parsed.text).toContain('verify-email?token=abc');
    expect(parsed.headers.get('x-cloudphone-delivery')).toBe(email.headers['X-Cloudphone-Delivery']);
  });

  it('writes nothing without a directory and keeps only the newest messages', async () => {
    const transport = new SimulatedEmailTransport({ capacity: 2 });
    for (const subject of ['one', 'two', 'three']) await transport.send({ ...email, subject });
    expect(transport.sent().map((sent) => sent.subject)).toEqual(['two', 'three']);
  });
});
