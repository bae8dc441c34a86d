import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RequestContext } from '../../auth/request-context';
import { currentRequest } from '../request-scope';

interface ResultLike {
  errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }>;
}

/**
 * Tells the request's log line what GraphQL made of it: the operation's name and type, the
 * caller, and the code of every error in the response. The line itself is written when the
 * HTTP response ends (see `runInRequestScope`), so that requests yoga never sees are logged too.
 */
export function useRequestLog(): Plugin<RequestContext> {
  return {
    onExecute({ args }) {
      const scope = currentRequest();
      if (!scope) {
        return;
      }
      const operation = getOperationAST(args.document, args.operationName);
      scope.operationName = operation?.name?.value ?? args.operationName ?? null;
      scope.operationType = operation?.operation;
      scope.userId = args.contextValue.viewer?.userId ?? null;
    },
    onResultProcess({ result }) {
      const scope = currentRequest();
      if (!scope) {
        return;
      }
      for (const one of (Array.isArray(result) ? result : [result]) as ResultLike[]) {
        for (const error of one.errors ?? []) {
          scope.errorCodes.push(String(error.extensions?.code ?? 'GRAPHQL_VALIDATION_FAILED'));
        }
      }
    },
  };
}
