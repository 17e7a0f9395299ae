import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';

/**
 * Nest's Express adapter, whose HTTP server creates each request and response with the prototypes
 * Express gives them (`app.request`, `app.response`) instead of Node's.
 *
 * Express's `app.handle` calls `Object.setPrototypeOf` on both objects of every request. Changing a
 * live object's prototype is one of V8's slow paths, and the objects it leaves behind are seen in
 * other shapes by every function that touches a request afterwards. Born with that prototype, the
 * call changes nothing and returns at once: on a minimal Express app here, a request cost half the
 * CPU (`bench/allocate` and the closing note of issue 11's twelfth step have the services' figures).
 * Nothing else differs: the objects have the same prototype chain Express would have given them.
 */
export class ExpressBornAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    // TLS and forced connection closing stay with Nest's own server (no service uses them).
    if (options.httpsOptions || options.forceCloseConnections) return super.initHttpServer(options);
    this.setHttpServer(createServer(expressBornMessages(this.getInstance<Express>()), this.getInstance()));
  }
}

/** Node's request and response classes, whose instances are born with `app`'s prototypes. */
export function expressBornMessages(app: Express): {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
} {
  // Constructor functions rather than classes: a class's instances get `prototype` from the class,
  // which cannot be Express's own objects, and a subclass adds a link to the chain.
  function ExpressRequest(this: IncomingMessage, socket: Socket): void {
    IncomingMessage.call(this, socket);
  }
  ExpressRequest.prototype = app.request;
  // Node passes the socket's high-water mark (and the like) as `options`.
  function ExpressResponse(this: ServerResponse, request: IncomingMessage, options?: object): void {
    (ServerResponse as unknown as (this: ServerResponse, ...rest: unknown[]) => void).call(
      this,
      request,
      options,
    );
  }
  ExpressResponse.prototype = app.response;
  return {
    IncomingMessage: ExpressRequest as unknown as typeof IncomingMessage,
    ServerResponse: ExpressResponse as unknown as typeof ServerResponse,
  };
}
