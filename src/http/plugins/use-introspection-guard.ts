import { NoSchemaIntrospectionCustomRule, validate } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ADMIN_LEVEL } from '../../auth/levels';
import type { RequestContext } from '../../auth/request-context';
import { forbidden, unauthenticated } from '../../errors';

/**
 * Closes schema introspection (`__schema`, `__type`) to every caller below level 5: anonymous
 * callers get UNAUTHENTICATED, lower levels FORBIDDEN. `__typename` stays open. Used when
 * NODE_ENV=production; in development introspection is open, for GraphiQL and codegen.
 */
export function useIntrospectionGuard(): Plugin<RequestContext> {
  return {
    onExecute({ args }) {
      const viewer = args.contextValue.viewer;
      if (viewer && viewer.level >= ADMIN_LEVEL) {
        return;
      }
      const asks = validate(args.schema, args.document, [NoSchemaIntrospectionCustomRule]);
      if (asks.length === 0) {
        return;
      }
      if (!viewer) {
        throw unauthenticated('Authentication required: introspection is open to level 5 only');
      }
      throw forbidden(
        `Insufficient permissions. Required level: ${ADMIN_LEVEL}, your level: ${viewer.level}`,
        { requiredLevel: ADMIN_LEVEL, level: viewer.level },
      );
    },
  };
}
