import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Body, Controller, Module, Post, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import type { Express, Request } from 'express';
import { request } from 'undici';
import { ExpressBornAdapter, expressBornMessages } from './express-born-adapter';

/** Each request's and response's prototypes as the server created them, before Express ran. */
function recordBirthPrototypes(server: Server): Array<{ request: object; response: object }> {
  const seen: Array<{ request: object; response: object }> = [];
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) =>
    seen.push({
      request: Object.getPrototypeOf(req) as object,
      response: Object.getPrototypeOf(res) as object,
    }),
  );
  return seen;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A plain Express app, as Nest's adapter makes it (express is not a direct dependency here). */
const expressApp = (): Express => new ExpressAdapter().getInstance<Express>();

describe('expressBornMessages', () => {
  let server: Server;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it("creates requests and responses with the app's prototypes, so Express's swap changes nothing", async () => {
    const app = expressApp();
    const seenByRoute: object[] = [];
    app.get('/echo', (req, res) => {
      seenByRoute.push(Object.getPrototypeOf(req) as object, Object.getPrototypeOf(res) as object);
      res.status(201).json({ query: req.query, ip: req.ip, path: req.path });
    });
    server = createServer(expressBornMessages(app), app);
    const born = recordBirthPrototypes(server);
    const url = await listen(server);

    const answer = await request(`${url}/echo?name=constructor`);

    expect(answer.statusCode).toBe(201);
    expect(await answer.body.json()).toEqual({
      query: { name: 'constructor' },
      ip: '127.0.0.1',
      path: '/echo',
    });
    expect(born).toEqual([{ request: app.request, response: app.response }]);
    expect(seenByRoute).toEqual([app.request, app.response]);
  });

  it("passes Node's response options on (a server refusing bodies on HEAD still refuses them)", async () => {
    const app = expressApp();
    const refusals: string[] = [];
    app.head('/body', (_req, res) => {
      try {
        res.write('hello');
      } catch (error) {
        refusals.push((error as { code: string }).code);
      }
      res.end();
    });
    server = createServer({ ...expressBornMessages(app), rejectNonStandardBodyWrites: true }, app);
    const url = await listen(server);

    const answer = await request(`${url}/body`, { method: 'HEAD' });

    expect(answer.statusCode).toBe(200);
    expect(await answer.body.text()).toBe('');
    expect(refusals).toEqual(['ERR_HTTP_BODY_NOT_ALLOWED']);
  });
});

@Controller()
class EchoController {
  @Post('echo')
  echo(@Req() req: Request, @Body() body: unknown): { body: unknown; expressRequest: boolean } {
    return { body, expressRequest: Object.getPrototypeOf(req) === (req.app as Express).request };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

describe('ExpressBornAdapter', () => {
  it("serves a Nest app whose requests are born with Express's prototypes", async () => {
    const app = await NestFactory.create<NestExpressApplication>(EchoModule, new ExpressBornAdapter(), {
      logger: false,
    });
    try {
      const instance = app.getHttpAdapter().getInstance() as Express;
      const born = recordBirthPrototypes(app.getHttpServer() as Server);
      await app.listen(0, '127.0.0.1');
      const url = await app.getUrl();

      const answer = await request(`${url}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n: 1 }),
      });

      expect(answer.statusCode).toBe(201);
      expect(await answer.body.json()).toEqual({ body: { n: 1 }, expressRequest: true });
      expect(born).toEqual([{ request: instance.request, response: instance.response }]);
    } finally {
      await app.close();
    }
  });
});
