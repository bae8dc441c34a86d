import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { QueryLimits } from '../../config';
import { badRequest } from '../../errors';

export interface QueryLimitOptions {
  limits: QueryLimits;
  /** Hides "Did you mean …?" suggestions, which would reveal the schema to a stranger. */
  blockFieldSuggestions: boolean;
}

type Check = 'depth' | 'cost' | 'aliases' | 'directives' | 'tokens' | 'batch';

const WHAT: Record<Check, string> = {
  depth: 'depth',
  cost: 'cost',
  aliases: 'number of aliases',
  directives: 'number of directives',
  tokens: 'number of tokens',
  batch: 'number of operations in the batch',
};

/** The BAD_REQUEST of a request over one of the limits, naming the limit and the value. */
export function limitExceeded(check: Check, limit: number, value: number | null) {
  const found = value === null ? '' : ` is ${value}, which`;

  return badRequest(`The request's ${WHAT[check]}${found} is over the limit of ${limit}`, {
    check,
    limit,
    value,
  });
}

/** graphql-armor says what it found in its message only; the value is read back from there. */
function refuse(check: Check, limit: number) {
  return (_context: unknown, error: GraphQLError) => {
    const found = /found (\d+)/.exec(error.message);
    throw limitExceeded(check, limit, found ? Number(found[1]) : null);
  };
}

/**
 * Limits what one request may ask for, with graphql-armor: the depth, the cost (objects and
 * scalars weighted by depth), aliases, directives and tokens of a document, and the operations
 * of a batched request. A request over a limit is refused with BAD_REQUEST before it runs.
 */
export function useQueryLimits<Context extends object = object>(
  options: QueryLimitOptions,
): Plugin<Context> {
  const { limits } = options;
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: limits.depth, onReject: [refuse('depth', limits.depth)] },
    costLimit: { maxCost: limits.cost, onReject: [refuse('cost', limits.cost)] },
    maxAliases: { n: limits.aliases, onReject: [refuse('aliases', limits.aliases)] },
    maxDirectives: { n: limits.directives, onReject: [refuse('directives', limits.directives)] },
    maxTokens: { n: limits.tokens, onReject: [refuse('tokens', limits.tokens)] },
    blockFieldSuggestion: { enabled: options.blockFieldSuggestions },
  }) as Plugin<Context>;

  return {
    ...armor,
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult) && requestParserResult.length > limits.batch) {
            throw limitExceeded('batch', limits.batch, requestParserResult.length);
          }
        },
      };
    },
  };
}
