import { GraphQLError } from 'graphql';
import type { YogaServerOptions } from 'graphql-yoga';
import { isDatabaseUnavailable } from '../db/database-errors';
import { ERROR_STATUS, GatewayError } from '../errors';
import type { Logger } from '../logger';
import { currentRequest } from './request-scope';

/** Seconds a client is asked to wait before it retries while the database is unreachable. */
const UNAVAILABLE_RETRY_SECONDS = 5;

/** The 503 of a request that found the database unreachable. */
export function databaseUnavailable(): GatewayError {
  return new GatewayError(
    'SERVICE_UNAVAILABLE',
    'The database is unavailable at the moment. Try again shortly.',
    {},
    { 'Retry-After': String(UNAVAILABLE_RETRY_SECONDS) },
  );
}

/** Codes graphql-js and yoga give to errors of the request itself, all answered with a 400. */
const REQUEST_ERROR_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']);

/**
 * A request error (a variable that does not coerce) marked as yoga marks validation errors: a 400
 * for clients that accept `application/graphql-response+json` (Apollo, urql), and the 200 the
 * GraphQL-over-HTTP specification asks for plain `application/json`. The code is BAD_REQUEST
 * unless graphql-js named it more precisely.
 */
function asRequestError(error: GraphQLError): GraphQLError {
  const code = error.extensions?.code;
  const named =
    typeof code === 'string' && !REQUEST_ERROR_CODES.has(code) && code !== 'BAD_REQUEST';
  const http = error.extensions?.http as { status?: number } | undefined;
  if (http && code === undefined) {
    // A plugin chose the status but gave no code (yoga's CSRF check): the code of that status.
    const byStatus = Object.entries(ERROR_STATUS).find(([, status]) => status === http.status);

    return byStatus ? withExtensions(error, { code: byStatus[0] }) : error;
  }
  if (named || http) {
    // Its code or status was chosen on purpose (a query limit, a refused batch).
    return error;
  }

  return withExtensions(error, { code: code ?? 'BAD_REQUEST', http: { spec: true, status: 400 } });
}

function withExtensions(error: GraphQLError, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, ...extensions },
  });
}

/**
 * What a log line may say of a failure: its type, message, code, stack and the SQL it ran, but
 * never the parameters of that SQL (password hashes, token hashes) nor the GraphQL document.
 */
export function describeFailure(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) {
    return { message: String(error) };
  }
  const { query, driverError } = error as { query?: unknown; driverError?: { code?: string } };

  return {
    type: error.name,
    message: error.message,
    code: (error as { code?: unknown }).code ?? driverError?.code,
    sql: typeof query === 'string' ? query : undefined,
    stack: error.stack,
  };
}

/**
 * Yoga's error masking: errors the gateway raised on purpose, and errors of the request itself,
 * reach the client; a database that cannot be reached is SERVICE_UNAVAILABLE; any other error is
 * logged with its cause and the request id and replaced by INTERNAL_SERVER_ERROR carrying that
 * id, so that no SQL text or stack trace leaves the server.
 */
export function maskedErrors(logger: Logger): YogaServerOptions<object, object>['maskedErrors'] {
  return {
    maskError(error) {
      if (error instanceof GraphQLError) {
        const original = error.originalError;
        if (original instanceof GatewayError) {
          return error;
        }
        if (!original || original instanceof GraphQLError) {
          return asRequestError(error);
        }
      }
      const cause = error instanceof GraphQLError ? error.originalError : error;
      if (cause instanceof RangeError && /call stack/i.test(cause.message)) {
        // Input nested so deep that a recursive step ran out of stack: the request's fault.
        return new GatewayError('BAD_REQUEST', 'The request nests its values too deeply');
      }
      const requestId = currentRequest()?.id;
      const path = error instanceof GraphQLError ? error.path : undefined;
      if (isDatabaseUnavailable(cause)) {
        logger.warn(
          { reqId: requestId, cause: describeFailure(cause), path },
          'database unavailable',
        );

        return databaseUnavailable();
      }
      logger.error({ reqId: requestId, cause: describeFailure(cause), path }, 'unexpected error');

      return new GraphQLError('Unexpected error.', {
        nodes: error instanceof GraphQLError ? error.nodes : undefined,
        path,
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId, http: { status: 500 } },
      });
    },
  };
}
