import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { ADMIN_LEVEL } from '../auth/levels';
import { createRequestContext, type RequestContext, viewerResolver } from '../auth/request-context';
import type { GatewayError } from '../errors';
import type { Services } from '../services';
import { createExportRoute } from './export-route';
import { handleHealthRoutes } from './health-routes';
import { maskedErrors } from './masked-errors';
import { acceptMultipartRequest, CSRF_HEADERS } from './multipart-request';
import { useIntrospectionGuard } from './plugins/use-introspection-guard';
import {
  readPersistedOperations,
  usePersistedOperations,
} from './plugins/use-persisted-operations';
import { useQueryLimits } from './plugins/use-query-limits';
import { useRateLimit } from './plugins/use-rate-limit';
import { useRequestLog } from './plugins/use-request-log';
import { useSessionCookie } from './plugins/use-session-cookie';
import { openRateLimitStore } from './rate-limit-store';
import { RateLimits } from './rate-limits';
import { isMultipart, readLimitedBody } from './request-body';
import { runInRequestScope } from './request-scope';

interface NodeServerContext {
  req: IncomingMessage;
  res: ServerResponse;
}

export interface GatewayServer {
  server: Server;
  yoga: YogaServerInstance<NodeServerContext, RequestContext>;
  rateLimits: RateLimits;
  /** The address of the GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  /**
   * Stops taking connections, lets the requests in flight finish (for at most
   * SHUTDOWN_TIMEOUT_MS, then their connections are cut) and closes the rate-limit store.
   * The caller closes the database afterwards.
   */
  close(): Promise<void>;
}

/** The yoga instance that answers /graphql, with its plugins. */
export function createGraphQLHandler(
  services: Services,
  schema: GraphQLSchema,
  rateLimits?: RateLimits,
) {
  const { config } = services;
  const viewerOf = viewerResolver(services);
  const isAdminSession = async (request: Request) => {
    const viewer = await viewerOf(request);

    return viewer !== null && viewer.level >= ADMIN_LEVEL;
  };
  const plugins: Array<Plugin<RequestContext> | Plugin> = [
    useRequestLog(),
    useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
    usePersistedOperations({
      manifest: readPersistedOperations(
        config.persistedOperationsFile,
        config.persistedOperationsOnly,
      ),
      only: config.persistedOperationsOnly,
      isTrusted: isAdminSession,
    }),
    useQueryLimits({ limits: config.limits, blockFieldSuggestions: config.production }),
    useSessionCookie(),
  ];
  if (config.production) {
    plugins.push(useIntrospectionGuard());
  }
  if (rateLimits) {
    plugins.push(useRateLimit({ limits: rateLimits }));
  }

  return createYoga<NodeServerContext, RequestContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: {
      title: 'MetaBuilder Admin Gateway',
      defaultQuery: GRAPHIQL_DEFAULT_QUERY,
      headers: JSON.stringify({ Authorization: 'Bearer <token from login>' }, null, 2),
    },
    renderGraphiQL,
    // Uploads are parsed before yoga, by graphql-upload-minimal (see acceptMultipartRequest).
    multipart: false,
    // The handler limits bodies itself: MAX_BODY_BYTES for JSON, MAX_UPLOAD_BYTES per file.
    maxRequestBodySize: false,
    maskedErrors: maskedErrors(services.logger),
    // The batch size is checked by useQueryLimits, which names the limit and the value.
    batching: config.limits.batch > 0 ? { limit: Number.MAX_SAFE_INTEGER } : false,
    cors:
      config.corsOrigins.length > 0
        ? { origin: config.corsOrigins, credentials: true, methods: ['GET', 'POST'] }
        : false,
    logging: {
      debug: (...args) => services.logger.debug(args.map(String).join(' ')),
      info: (...args) => services.logger.info(args.map(String).join(' ')),
      warn: (...args) => services.logger.warn(args.map(String).join(' ')),
      error: (...args) => services.logger.error(args.map(String).join(' ')),
    },
    context: ({ request, req }) =>
      viewerOf(request).then((viewer) =>
        createRequestContext(services, viewer, request.headers, req?.socket.remoteAddress ?? null),
      ),
    plugins,
  });
}

/** Answers a request the gateway refused before GraphQL saw it, in the GraphQL error shape. */
function sendError(res: ServerResponse, error: GatewayError): void {
  const { http, ...extensions } = error.extensions as { http: { status: number } };
  res
    .writeHead(http.status, { 'content-type': 'application/json', connection: 'close' })
    .end(JSON.stringify({ errors: [{ message: error.message, extensions }] }));
}

/** Serves the gateway over HTTP on the configured host and port (0 picks a free port). */
export async function startGatewayServer(
  services: Services,
  schema: GraphQLSchema,
): Promise<GatewayServer> {
  const { config, logger } = services;
  const rateLimits = new RateLimits(config, await openRateLimitStore(config, services.db, logger));
  const yoga = createGraphQLHandler(services, schema, rateLimits);
  const exportRoute = createExportRoute(services);
  const uploadLimits = { maxFileSize: config.maxUploadBytes, maxFiles: config.maxUploadFiles };
  let draining = false;
  const health = {
    db: services.db,
    logger,
    timeoutMs: config.readyTimeoutMs,
    draining: () => draining,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (draining) {
      res.setHeader('connection', 'close');
    }
    if (handleHealthRoutes(health, req, res)) {
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(302, { location: '/graphql' }).end();
      return;
    }
    if (path === '/export' || path.startsWith('/export/')) {
      await exportRoute(req, res);
      return;
    }
    if (path === '/graphql' && req.method === 'POST' && isMultipart(req)) {
      if (await acceptMultipartRequest(req, res, uploadLimits, logger)) {
        await yoga(req, res, { req, res });
      }
      return;
    }
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? 'GET') && !isMultipart(req)) {
      try {
        const body = await readLimitedBody(req, config.maxBodyBytes);
        // Yoga reads a body set here instead of the spent stream; an empty body stands as an
        // empty object, refused for its missing query.
        (req as IncomingMessage & { body?: Buffer | string }).body = body.length > 0 ? body : '{}';
      } catch (error) {
        sendError(res, error as GatewayError);
        return;
      }
    }
    await yoga(req, res, { req, res });
  };
  const server = createServer((req, res) =>
    runInRequestScope(logger, req, res, () => {
      handle(req, res).catch((error: unknown) => {
        logger.error({ err: (error as Error).message }, 'request failed outside GraphQL');
        if (!res.headersSent) {
          res.writeHead(500).end();
        }
      });
    }),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const close = async () => {
    draining = true;
    const closed = new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
    server.closeIdleConnections();
    // A connection that answered its last request is closed as soon as it falls idle.
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const cut = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
    try {
      await closed;
    } finally {
      clearInterval(idle);
      clearTimeout(cut);
      await rateLimits.close();
    }
  };

  return {
    server,
    yoga,
    rateLimits,
    url: `http://${host}:${address.port}/graphql`,
    close,
  };
}

const GRAPHIQL_DEFAULT_QUERY = `# Welcome to the MetaBuilder Admin Gateway.
#
# 1. Log in (the token is also set as a cookie, so GraphiQL is signed in afterwards):
#
#    mutation { login(username: "admin", password: "...") { token expiresAt } }
#
# 2. Browse any table:

query Users {
  users(limit: 5, orderBy: [{ field: createdAt, order: DESC }]) {
    records { id username email role tenantId createdAt }
    pagination { total totalPages hasMore }
  }
}
`;
