import type { ObjectRef } from '@pothos/core';
import { type RequestContext, sessionCookie } from '../auth/request-context';
import type { LoginResult, Viewer } from '../auth/session-service';
import { GatewayError } from '../errors';
import type { EntityRecord } from '../registry/record-codec';
import { ADMIN, type Builder, type SchemaTypes } from './builder';

export type RecordRef = ObjectRef<PothosSchemaTypes.ExtendDefaultTypes<SchemaTypes>, EntityRecord>;

/** login, logout, viewer and setUserPassword. */
export function addSessionFields(builder: Builder, User: RecordRef) {
  const LoginResultRef = builder.objectRef<LoginResult>('LoginResult').implement({
    description: 'A new session: the bearer token is shown this once and never stored.',
    fields: (t) => ({
      token: t.exposeString('token', {
        description: 'Send as `Authorization: Bearer <token>`; also set as the mb_session cookie.',
      }),
      expiresAt: t.field({
        type: 'Timestamp',
        description: 'When the session ends unless the caller logs out first.',
        resolve: (r) => r.expiresAt,
      }),
      user: t.field({ type: User, description: 'The user logged in.', resolve: (r) => r.user }),
    }),
  });

  const ViewerRef = builder.objectRef<Viewer>('Viewer').implement({
    description: 'The caller behind the session of this request.',
    fields: (t) => ({
      user: t.field({
        type: User,
        description: 'The user of the session.',
        resolve: (v) => v.user,
      }),
      level: t.exposeInt('level', { description: 'The permission level of the role, 0 to 5.' }),
      tenantId: t.string({
        nullable: true,
        description: 'The tenant the caller is confined to; null for the whole instance.',
        resolve: (v) => v.tenantId,
      }),
      sessionExpiresAt: t.field({
        type: 'Timestamp',
        description: 'When the session of this request ends.',
        resolve: (v) => v.sessionExpiresAt,
      }),
    }),
  });

  builder.queryField('viewer', (t) =>
    t.field({
      type: ViewerRef,
      nullable: true,
      description: 'Who is calling; null without a valid session. Open to every level.',
      resolve: (_root, _args, ctx) => ctx.viewer,
    }),
  );

  builder.mutationFields((t) => ({
    login: t.field({
      type: LoginResultRef,
      description: 'Checks a username and password and opens a session. Open to every level.',
      args: {
        username: t.arg.string({ required: true, description: 'The username of the user.' }),
        password: t.arg.string({ required: true, description: 'The password of the user.' }),
      },
      resolve: async (_root, args, ctx) => {
        const result = await limitedLogin(ctx, args.username, args.password);
        ctx.setCookies.push(
          sessionCookie(result.token, result.expiresAt, ctx.services.config.secureCookies),
        );

        return result;
      },
    }),
    logout: t.boolean({
      description: 'Ends the session of this request; false when there was none.',
      resolve: async (_root, _args, ctx) => {
        ctx.setCookies.push(sessionCookie('', 0, ctx.services.config.secureCookies));

        return ctx.services.sessions.logout(ctx.viewer, ctx.client);
      },
    }),
    setUserPassword: t.boolean({
      authScopes: ADMIN,
      description:
        "Creates or replaces a user's password (at least 8 characters); firstLogin is set.",
      args: {
        userId: t.arg.id({ required: true, description: 'The id of the user.' }),
        password: t.arg.string({
          required: true,
          description: 'The new password, at least 8 characters; stored only as a scrypt hash.',
        }),
      },
      resolve: (_root, args, ctx) =>
        ctx.services.sessions.setPassword(ctx.actor, String(args.userId), args.password),
    }),
  }));
}

/**
 * A login within the login limits: refused while too many logins failed lately for the
 * username or the address; a failure counts against both, a success clears the username's.
 */
async function limitedLogin(ctx: RequestContext, username: string, password: string) {
  const { rateLimits, services, client } = ctx;
  try {
    await rateLimits?.checkLogin(username, client.ipAddress);
  } catch (refusal) {
    await services.sessions.recordRefusedLogin(username, client, 'too many failed logins');
    throw refusal;
  }
  try {
    const result = await services.sessions.login(username, password, client);
    await rateLimits?.loginSucceeded(username);

    return result;
  } catch (error) {
    if (error instanceof GatewayError && error.code === 'UNAUTHENTICATED') {
      await rateLimits?.loginFailed(username, client.ipAddress);
    }
    throw error;
  }
}
