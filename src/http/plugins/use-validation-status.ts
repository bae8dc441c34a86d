import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Answers a document that fails validation (an unknown field, an enum value that does not exist)
 * with HTTP 400, as for every other bad request, whatever the client's Accept header.
 */
export function useValidationStatus(): Plugin {
  return {
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (valid) {
          return;
        }
        setResult(
          result.map(
            (error) =>
              new GraphQLError(error.message, {
                nodes: error.nodes,
                source: error.source,
                positions: error.positions,
                extensions: { ...error.extensions, http: { status: 400 } },
              }),
          ),
        );
      };
    },
  };
}
