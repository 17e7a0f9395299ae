import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AppLogger } from '../logging/app-logger';

/**
 * Requests Node's HTTP parser refuses before Express sees them (headers over 16 KB, a request line
 * that is not HTTP, a header value with a control character) would get Node's bare status line
 * and no body. This answers them with the same JSON error shape as every other refusal.
 */
export function answerClientErrorsWithJson(server: Server, logger: AppLogger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, code, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HEADERS_TOO_LARGE', 'Request headers are too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'REQUEST_TIMEOUT', 'The request was not received in time']
          : [400, 'MALFORMED_REQUEST', 'The request is not valid HTTP/1.1'];
    const requestId = randomUUID();
    const body = JSON.stringify({ code, message, requestId });
    logger.pino.info({
      msg: 'malformed HTTP request refused',
      status,
      code,
      parserError: error.code,
      requestId,
    });
    socket.end(
      `HTTP/1.1 ${status} ${message}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
