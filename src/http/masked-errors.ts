import { GraphQLError } from 'graphql';
import type { YogaServerOptions } from 'graphql-yoga';
import { GatewayError } from '../errors';
import type { Logger } from '../logger';

/**
 * Yoga's error masking: errors the gateway raised on purpose reach the client as they are; any
 * other error is logged with its cause and replaced by INTERNAL_SERVER_ERROR, so that no SQL text
 * or stack trace leaves the server.
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
      logger.error({ err: original, path: (error as GraphQLError).path }, 'unexpected error');

      return new GraphQLError('Unexpected error.', {
        extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 500 } },
      });
    },
  };
}
