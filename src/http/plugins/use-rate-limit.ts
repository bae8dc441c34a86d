import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RequestContext } from '../../auth/request-context';
import type { RateLimits } from '../rate-limits';

export interface RateLimitOptions {
  limits: RateLimits;
}

/**
 * Counts every operation against the caller's budgets before it runs: a query is a read, a
 * mutation a write; each operation of a batch counts. Over a budget, the operation is refused
 * with RATE_LIMITED (HTTP 429, `Retry-After`). The limits also reach the resolvers through the
 * context, for the login limits.
 */
export function useRateLimit(options: RateLimitOptions): Plugin<RequestContext> {
  return {
    onContextBuilding({ extendContext }) {
      extendContext({ rateLimits: options.limits });
    },
    async onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName);
      const context = args.contextValue;
      await options.limits.consume(operation?.operation === 'mutation' ? 'write' : 'read', {
        userId: context.viewer?.userId ?? null,
        tenantId: context.viewer?.tenantId ?? null,
        ipAddress: context.client.ipAddress,
      });
    },
  };
}
