import { GraphQLError } from 'graphql';
import type { YogaServerOptions } from 'graphql-yoga';
import { GatewayError } from '../errors';
import type { Logger } from '../logger';

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
  if (typeof code === 'string' && !REQUEST_ERROR_CODES.has(code) && code !== 'BAD_REQUEST') {
    return error;
  }

  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: {
      ...error.extensions,
      code: code ?? 'BAD_REQUEST',
      http: { spec: true, status: 400 },
    },
  });
}

/**
 * What a log line keeps of an unexpected error: its kind, message, code and stack. Driver errors
 * carry the statement's parameters (passwords, tokens) and GraphQL errors the whole document;
 * neither is logged.
 */
function describeCause(cause: unknown): Record<string, unknown> {
  if (!(cause instanceof Error)) {
    return { message: String(cause) };
  }
  const { code } = cause as { code?: unknown };

  return { type: cause.name, message: cause.message, code, stack: cause.stack };
}

/**
 * Yoga's error masking: errors the gateway raised on purpose, and errors of the request itself,
 * reach the client; any other error is logged with its cause and replaced by
 * INTERNAL_SERVER_ERROR, so that no SQL text or stack trace leaves the server.
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
      logger.error(
        { err: describeCause(cause), path: (error as GraphQLError).path },
        'unexpected error',
      );

      return new GraphQLError('Unexpected error.', {
        extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 500 } },
      });
    },
  };
}
