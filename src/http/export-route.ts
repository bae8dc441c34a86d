import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_LEVEL } from '../auth/levels';
import { tokenOf } from '../auth/request-context';
import {
  badRequest,
  forbidden,
  GatewayError,
  quote,
  unauthenticated,
  unknownChoice,
} from '../errors';
import type { Services } from '../services';
import { DOWNLOAD_LINK_PATH } from '../services/export/download-links';
import type { ExportOptions } from '../services/export/export-plan';
import type { ExportDelivery, ExportSummary } from '../services/export/export-service';
import type { Actor } from '../services/record-query';

const QUERY_PARAMETERS = ['format', 'entityTypes', 'filter', 'includeSensitive', 'dialect'];

class ClientGone extends Error {
  override name = 'ClientGone';
}

/** Writes pieces to the response, waiting while its buffer is full; fails once the client left. */
function responseWriter(res: ServerResponse) {
  return async (piece: string) => {
    if (res.destroyed) {
      throw new ClientGone('The client closed the connection');
    }
    if (piece === '' || res.write(piece)) {
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const drained = () => {
        res.off('close', closed);
        resolve();
      };
      const closed = () => {
        res.off('drain', drained);
        reject(new ClientGone('The client closed the connection'));
      };
      res.once('drain', drained);
      res.once('close', closed);
    });
  };
}

/** An error as GraphQL answers it: `{ errors: [{ message, extensions: { code } }] }`. */
function sendError(
  res: ServerResponse,
  http: { status: number; headers?: Record<string, string> },
  message: string,
  extensions: Record<string, unknown>,
): void {
  res
    .writeHead(http.status, { ...http.headers, 'content-type': 'application/json; charset=utf-8' })
    .end(JSON.stringify({ errors: [{ message, extensions }] }));
}

function booleanParameter(name: string, raw: string): boolean {
  if (['true', '1'].includes(raw.toLowerCase())) {
    return true;
  }
  if (['false', '0'].includes(raw.toLowerCase())) {
    return false;
  }
  throw badRequest(`${name} must be true or false, got ${quote(raw)}`, { field: name });
}

/** The options of `GET /export?format=…&entityTypes=A,B&filter={…}&includeSensitive=…`. */
export function exportOptionsFromQuery(query: URLSearchParams): ExportOptions {
  for (const name of new Set(query.keys())) {
    if (!QUERY_PARAMETERS.includes(name)) {
      throw badRequest(unknownChoice('query parameter', name, QUERY_PARAMETERS), { field: name });
    }
  }
  const options: ExportOptions = {
    format: query.get('format'),
    dialect: query.get('dialect'),
  };
  if (query.has('entityTypes')) {
    options.entityTypes = query
      .getAll('entityTypes')
      .flatMap((list) => list.split(','))
      .map((name) => name.trim())
      .filter((name) => name !== '');
  }
  const filter = query.get('filter');
  if (filter !== null && filter !== '') {
    try {
      options.filter = JSON.parse(filter);
    } catch {
      throw badRequest(`filter must be JSON, got ${quote(filter)}`, { field: 'filter' });
    }
  }
  const sensitive = query.get('includeSensitive');
  if (sensitive !== null) {
    options.includeSensitive = booleanParameter('includeSensitive', sensitive);
  }

  return options;
}

/**
 * `GET /export` streams an export to a caller with a level-5 session (bearer token or cookie);
 * `GET /export/download/<token>` streams the export a download link stands for, once, within
 * 5 minutes of `exportDatabase`. Both answer with `Content-Disposition: attachment`.
 */
export function createExportRoute(services: Services) {
  const { logger } = services;

  const stream = async (
    res: ServerResponse,
    actor: Actor,
    options: ExportOptions,
    delivery: ExportDelivery,
  ) => {
    const start = (summary: ExportSummary) => {
      res.writeHead(200, {
        'content-type': summary.contentType,
        'content-disposition': `attachment; filename="${summary.filename}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
    };
    await services.exports.write(actor, options, responseWriter(res), {
      delivery,
      onStart: start,
    });
    res.end();
  };

  const exportAsCaller = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const headers = new Headers();
    for (const name of ['authorization', 'cookie']) {
      const value = req.headers[name];
      if (typeof value === 'string') {
        headers.set(name, value);
      }
    }
    const token = tokenOf(headers);
    const viewer = token ? await services.sessions.resolve(token) : null;
    if (!viewer) {
      throw unauthenticated();
    }
    if (viewer.level < ADMIN_LEVEL) {
      throw forbidden(
        `Insufficient permissions. Required level: ${ADMIN_LEVEL}, your level: ${viewer.level}`,
        { requiredLevel: ADMIN_LEVEL, level: viewer.level },
      );
    }
    const actor: Actor = {
      userId: viewer.userId,
      tenantId: viewer.tenantId,
      ipAddress: req.socket.remoteAddress ?? null,
    };
    await stream(res, actor, exportOptionsFromQuery(url.searchParams), 'stream');
  };

  const exportByLink = async (res: ServerResponse, token: string) => {
    const link = await services.exports.takeDownloadLink(token);
    if (!link) {
      throw new GatewayError(
        'NOT_FOUND',
        'This download link is unknown, was already used or has expired (links work once, ' +
          'for 5 minutes): run exportDatabase again',
      );
    }
    // The file is read now, so its maker must still hold a level-5 session of the same tenant.
    const viewer = link.sessionId ? await services.sessions.resolveById(link.sessionId) : null;
    if (!viewer) {
      throw unauthenticated(
        'The session that made this download link has ended: log in and run exportDatabase again',
      );
    }
    if (viewer.level < ADMIN_LEVEL || viewer.tenantId !== link.actor.tenantId) {
      throw forbidden(
        `Insufficient permissions. Required level: ${ADMIN_LEVEL}, your level: ${viewer.level}`,
        { requiredLevel: ADMIN_LEVEL, level: viewer.level },
      );
    }
    await stream(res, link.actor, link.options, 'download');
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    try {
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        throw badRequest(`${url.pathname} answers GET only, got ${quote(req.method)}`);
      }
      if (url.pathname.startsWith(DOWNLOAD_LINK_PATH)) {
        await exportByLink(res, url.pathname.slice(DOWNLOAD_LINK_PATH.length));
      } else if (url.pathname === '/export') {
        await exportAsCaller(req, res, url);
      } else {
        throw new GatewayError('NOT_FOUND', `Nothing at ${quote(url.pathname)}`);
      }
    } catch (error) {
      if (res.headersSent) {
        // Part of the file has gone out: break the connection so it cannot pass for whole.
        if (!(error instanceof ClientGone)) {
          logger.error({ err: error }, 'export failed while streaming');
        }
        res.destroy();
        return;
      }
      if (error instanceof GatewayError) {
        const { http, ...extensions } = error.extensions as {
          http: { status: number; headers?: Record<string, string> };
        };
        sendError(res, http, error.message, extensions);
        return;
      }
      logger.error({ err: error }, 'unexpected error');
      sendError(res, { status: 500 }, 'Unexpected error.', { code: 'INTERNAL_SERVER_ERROR' });
    }
  };
}
