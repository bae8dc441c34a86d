import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import { DOWNLOAD_LINK_PATH } from '../services/export/download-links';

/** What the gateway learns about one HTTP request while answering it; logged when it ends. */
export interface RequestScope {
  id: string;
  startedAt: number;
  operationName?: string | null;
  operationType?: string;
  userId?: string | null;
  /** The `extensions.code` of every error the response carried. */
  errorCodes: string[];
}

const storage = new AsyncLocalStorage<RequestScope>();

/** A caller's own request id is kept when it is short and plain; any other gets a new one. */
const CALLER_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The scope of the request being answered, wherever in its async work this is called. */
export function currentRequest(): RequestScope | undefined {
  return storage.getStore();
}

/**
 * Runs `handle` inside a new request scope: the request gets an id (the caller's `x-request-id`
 * when plain, else a UUID), sent back as the `x-request-id` header, and one log line when the
 * response ends, with the id, the operation, the status, the duration and the error codes.
 */
export function runInRequestScope(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  handle: () => void,
): void {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && CALLER_ID.test(given) ? given : randomUUID();
  const scope: RequestScope = { id, startedAt: performance.now(), errorCodes: [] };
  res.setHeader('x-request-id', id);

  res.once('close', () => {
    const status = res.statusCode;
    const line = {
      reqId: id,
      method: req.method,
      path: loggedPath(req.url ?? '/'),
      operationName: scope.operationName ?? undefined,
      operationType: scope.operationType,
      userId: scope.userId ?? undefined,
      status,
      durationMs: Math.round((performance.now() - scope.startedAt) * 10) / 10,
      outcome: !res.writableFinished
        ? 'aborted'
        : status >= 400 || scope.errorCodes.length > 0
          ? 'error'
          : 'ok',
      errors: scope.errorCodes.length > 0 ? [...new Set(scope.errorCodes)] : undefined,
    };
    if (status >= 500) {
      logger.error(line, 'request');
    } else {
      logger.info(line, 'request');
    }
  });
  storage.run(scope, handle);
}

/** The path of a request as logged: a download link's token stays out of the log. */
function loggedPath(url: string): string {
  const path = url.split('?')[0];

  return path.startsWith(DOWNLOAD_LINK_PATH) ? `${DOWNLOAD_LINK_PATH}[redacted]` : path;
}
