import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { createRequestContext, type RequestContext } from '../auth/request-context';
import type { Services } from '../services';
import { maskedErrors } from './masked-errors';
import { acceptMultipartRequest, CSRF_HEADERS, isMultipart } from './multipart-request';
import { useSessionCookie } from './plugins/use-session-cookie';

interface NodeServerContext {
  req: IncomingMessage;
  res: ServerResponse;
}

export interface GatewayServer {
  server: Server;
  yoga: YogaServerInstance<NodeServerContext, RequestContext>;
  /** The address of the GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  url: string;
  close(): Promise<void>;
}

/** The yoga instance that answers /graphql, with its plugins. */
export function createGraphQLHandler(services: Services, schema: GraphQLSchema) {
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
    maskedErrors: maskedErrors(services.logger),
    logging: {
      debug: (...args) => services.logger.debug(args.map(String).join(' ')),
      info: (...args) => services.logger.info(args.map(String).join(' ')),
      warn: (...args) => services.logger.warn(args.map(String).join(' ')),
      error: (...args) => services.logger.error(args.map(String).join(' ')),
    },
    context: ({ request, req }) =>
      createRequestContext(services, request.headers, req?.socket.remoteAddress ?? null),
    plugins: [useCSRFPrevention({ requestHeaders: CSRF_HEADERS }), useSessionCookie()],
  });
}

/** Serves the gateway over HTTP on the configured host and port (0 picks a free port). */
export async function startGatewayServer(
  services: Services,
  schema: GraphQLSchema,
): Promise<GatewayServer> {
  const yoga = createGraphQLHandler(services, schema);
  const limits = {
    maxFileSize: services.config.maxUploadBytes,
    maxFiles: services.config.maxUploadFiles,
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(302, { location: '/graphql' }).end();
      return;
    }
    if (path === '/graphql' && req.method === 'POST' && isMultipart(req)) {
      void acceptMultipartRequest(req, res, limits, services.logger).then((accepted) => {
        if (accepted) {
          void yoga(req, res, { req, res });
        }
      });
      return;
    }
    void yoga(req, res, { req, res });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(services.config.port, services.config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    server,
    yoga,
    url: `http://${host}:${address.port}/graphql`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
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
