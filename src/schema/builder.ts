import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin, { type AuthFailure } from '@pothos/plugin-scope-auth';
import type { GraphQLResolveInfo } from 'graphql';
import type { FileUpload } from 'graphql-upload-minimal';
import type { RequestContext } from '../auth/request-context';
import { ADMIN_LEVEL } from '../auth/levels';
import { forbidden, unauthenticated } from '../errors';

export interface SchemaTypes {
  Context: RequestContext;
  DefaultFieldNullability: false;
  AuthScopes: { level: number };
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
    Timestamp: { Input: number; Output: number };
    Upload: { Input: Promise<FileUpload>; Output: never };
  };
}

export type Builder = PothosSchemaTypes.SchemaBuilder<
  PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>
>;

/** The level a refused field asked for, read from the scope that failed. */
function requiredLevel(failure: AuthFailure): number | undefined {
  if ('failures' in failure) {
    return failure.failures.map(requiredLevel).find((level) => level !== undefined);
  }
  if ('scope' in failure && failure.scope === 'level' && 'parameter' in failure) {
    return Number(failure.parameter);
  }

  return undefined;
}

/**
 * The one schema builder. A field guarded by `authScopes: { level: n }` answers an anonymous
 * caller with UNAUTHENTICATED and a caller of a lower level with FORBIDDEN naming both levels.
 */
export function createBuilder(): Builder {
  return new SchemaBuilder<SchemaTypes>({
    plugins: [ScopeAuthPlugin],
    // Fields are non-null unless they say otherwise, as the design writes them.
    defaultFieldNullability: false,
    scopeAuth: {
      authScopes: (context) => ({
        level: (needed: number) => context.viewer !== null && context.viewer.level >= needed,
      }),
      unauthorizedError: (_parent, context, _info: GraphQLResolveInfo, result) => {
        if (!context.viewer) {
          return unauthenticated();
        }
        const needed = requiredLevel(result.failure) ?? ADMIN_LEVEL;

        return forbidden(
          `Insufficient permissions. Required level: ${needed}, your level: ${context.viewer.level}`,
          { requiredLevel: needed, level: context.viewer.level },
        );
      },
    },
  });
}

/** The guard of every database manager field. */
export const ADMIN = { level: ADMIN_LEVEL } as const;
