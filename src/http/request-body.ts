import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors';

/** Whether a request carries a multipart upload, which has its own size limit. */
export function isMultipart(req: IncomingMessage): boolean {
  return /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');
}

/** The 413 of a body over the limit, naming the limit. */
export function bodyTooLarge(limit: number, size?: number): GatewayError {
  const seen = size === undefined ? 'more' : `${size} bytes`;

  return new GatewayError(
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than the limit of ${limit} bytes (got ${seen})`,
    { limit, ...(size === undefined ? {} : { size }) },
  );
}

/**
 * Reads a whole request body, refusing it as soon as it passes `limit` bytes: at once when the
 * declared Content-Length is over, else when the bytes received go over, so that a chunked
 * body cannot bypass the limit. Resolves to the body, or rejects with PAYLOAD_TOO_LARGE.
 */
export function readLimitedBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();

    return Promise.reject(bodyTooLarge(limit, declared));
  }

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    // A client that went away before the end of its body; after 'end' this changes nothing.
    req.once('close', () => reject(new Error('the client closed the request before its end')));
  });
}
