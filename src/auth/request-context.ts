import type { RateLimits } from '../http/rate-limits';
import type { Services } from '../services';
import type { Actor } from '../services/record-query';
import { RelationLoaders } from '../services/relation-loaders';
import type { ClientInfo, Viewer } from './session-service';

export const SESSION_COOKIE = 'mb_session';

/** What every resolver receives: who is calling, from where, and the services. */
export interface RequestContext {
  services: Services;
  viewer: Viewer | null;
  actor: Actor;
  client: ClientInfo;
  loaders: RelationLoaders;
  /** Set-Cookie values to send with the response. */
  setCookies: string[];
  /** The gateway's rate limits; absent when the schema runs without the HTTP server. */
  rateLimits?: RateLimits;
}

/** The bearer token of a request: the Authorization header first, then the session cookie. */
export function tokenOf(headers: Headers): string | null {
  const authorization = headers.get('authorization');
  const bearer = authorization && /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) {
    return bearer[1];
  }
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== SESSION_COOKIE || rest.length === 0) {
      continue;
    }
    // RFC 6265 allows a quoted value; a value that does not decode is no token.
    const value = rest.join('=').replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(value) || null;
    } catch {
      return null;
    }
  }

  return null;
}

/** The viewer behind a request's token, or null; looked up once however often it is asked. */
export function viewerResolver(services: Services) {
  const viewers = new WeakMap<Request, Promise<Viewer | null>>();

  return (request: Request): Promise<Viewer | null> => {
    let viewer = viewers.get(request);
    if (!viewer) {
      const token = tokenOf(request.headers);
      viewer = token ? services.sessions.resolve(token) : Promise.resolve(null);
      viewers.set(request, viewer);
    }

    return viewer;
  };
}

export function createRequestContext(
  services: Services,
  viewer: Viewer | null,
  headers: Headers,
  ipAddress: string | null,
): RequestContext {
  const client: ClientInfo = { ipAddress, userAgent: headers.get('user-agent') };
  const actor: Actor = {
    userId: viewer?.userId ?? null,
    tenantId: viewer?.tenantId ?? null,
    ipAddress,
  };

  return {
    services,
    viewer,
    actor,
    client,
    loaders: new RelationLoaders(services.entities, actor),
    setCookies: [],
  };
}

/** The Set-Cookie value of a session cookie; an expiry in the past clears it. */
export function sessionCookie(token: string, expiresAt: number, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt - Date.now()) / 1000));
  const parts = [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAge}`,
  ];

  return (secure ? [...parts, 'Secure'] : parts).join('; ');
}
