import type { IncomingMessage, ServerResponse } from 'node:http';
import { processRequest } from 'graphql-upload-minimal';
import type { ErrorCode } from '../errors';
import type { Logger } from '../logger';

/**
 * Headers of which a request must carry one to be let through the CSRF check (yoga's plugin and
 * the multipart step before it). A browser adds none of them to a form it is tricked into
 * posting, and adding one makes its request need a CORS preflight.
 */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight'];

export interface MultipartLimits {
  maxFileSize: number;
  maxFiles: number;
}

export function isMultipart(req: IncomingMessage): boolean {
  return /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');
}

function answer(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(body);
}

/**
 * The GraphQL multipart request spec, in front of yoga: graphql-upload-minimal reads the
 * `operations` and `map` fields and leaves the operations, with an upload where each file goes,
 * on `req.body` for yoga to execute; the files stream as the resolver reads them. A malformed
 * request gets a 400, a request over the limits a 413, a request without a CSRF header a 403,
 * all answered here without running any operation. Returns whether yoga should go on.
 */
export async function acceptMultipartRequest(
  req: IncomingMessage & { body?: unknown },
  res: ServerResponse,
  limits: MultipartLimits,
  logger: Logger,
): Promise<boolean> {
  // Whatever happens, a body left unread is drained once the answer is out.
  res.once('finish', () => {
    req.unpipe();
    req.resume();
  });

  if (!CSRF_HEADERS.some((name) => req.headers[name] !== undefined)) {
    answer(
      res,
      403,
      'FORBIDDEN',
      `A multipart request must carry one of the headers ${CSRF_HEADERS.join(', ')}, so that ` +
        'no other site can make a browser send it',
    );
    return false;
  }
  try {
    req.body = await processRequest(req, res, limits);

    return true;
  } catch (error) {
    const status = (error as { status?: number }).status;
    const message = (error as Error).message ?? String(error);
    if (status === 499) {
      // The client went away; there is no one to answer.
      res.destroy();
      return false;
    }
    if (status === 413) {
      answer(res, 413, 'PAYLOAD_TOO_LARGE', message);
      return false;
    }
    logger.debug({ err: error }, 'malformed multipart request');
    answer(res, 400, 'BAD_REQUEST', `Malformed multipart request: ${message}`);

    return false;
  }
}
