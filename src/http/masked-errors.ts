import { GraphQLError } from 'graphql';
import type { YogaServerOptions } from 'graphql-yoga';
import { isDatabaseUnavailable } from '../db/database-errors';
import { GatewayError } from '../errors';
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

/**
 * What a log line may say of a failure: its type, message, code, stack and the SQL it ran, but
 * never the parameters of that SQL, which can hold password hashes and token hashes.
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
 * Yoga's error masking: errors the gateway raised on purpose reach the client as they are; a
 * database that cannot be reached is SERVICE_UNAVAILABLE; any other error is logged with its
 * cause and the request id and replaced by INTERNAL_SERVER_ERROR carrying that id, so that no
 * SQL text or stack trace leaves the server.
 */
export function maskedErrors(logger: Logger): YogaServerOptions<object, object>['maskedErrors'] {
  return {
    maskError(error) {
      const original = error instanceof GraphQLError ? error.originalError : error;
      if (original instanceof GatewayError) {
        return original;
      }
      if (error instanceof GraphQLError && !error.originalError) {
        // Parse and validation errors of the request itself.
        return error;
      }
      if (original instanceof GraphQLError && !original.originalError) {
        // Errors graphql-js raised while coercing arguments (a bad variable, a bad scalar).
        return original;
      }
      const requestId = currentRequest()?.id;
      const path = error instanceof GraphQLError ? error.path : undefined;
      if (isDatabaseUnavailable(original)) {
        logger.warn(
          { reqId: requestId, cause: describeFailure(original), path },
          'database unavailable',
        );

        return databaseUnavailable();
      }
      logger.error(
        { reqId: requestId, cause: describeFailure(original), path },
        'unexpected error',
      );

      return new GraphQLError('Unexpected error.', {
        nodes: error instanceof GraphQLError ? error.nodes : undefined,
        path,
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId, http: { status: 500 } },
      });
    },
  };
}
