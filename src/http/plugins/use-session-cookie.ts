import type { Plugin } from 'graphql-yoga';
import type { RequestContext } from '../../auth/request-context';

/**
 * Sends the cookies resolvers asked for (login sets the session cookie, logout clears it) with
 * the response of their request.
 */
export function useSessionCookie(): Plugin<RequestContext> {
  const pending = new WeakMap<Request, string[]>();

  return {
    onContextBuilding({ context }) {
      return ({ context: built }) => {
        pending.set(context.request, built.setCookies);
      };
    },
    onResponse({ request, response }) {
      for (const cookie of pending.get(request) ?? []) {
        response.headers.append('set-cookie', cookie);
      }
    },
  };
}
