import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database';
import { badRequest, notFound, unauthenticated } from '../errors';
import type { EntityRegistry } from '../registry/entity-registry';
import { decodeRecord, type EntityRecord } from '../registry/record-codec';
import { hasUnstorableCharacter } from '../registry/record-validator';
import type { AuditService } from '../services/audit-service';
import type { EntityService } from '../services/entity-service';
import { type Actor, SYSTEM_ACTOR } from '../services/record-query';
import { insertRecords, updateRecord } from '../services/record-writer';
import { SqlParams } from '../services/sql-params';
import { levelOf } from './levels';
import {
  hashPassword,
  hashSessionToken,
  newSessionToken,
  UNKNOWN_USER_HASH,
  verifyPassword,
} from './secrets';

/** The caller behind a valid session. */
export interface Viewer {
  user: EntityRecord;
  userId: string;
  level: number;
  tenantId: string | null;
  sessionId: string;
  sessionExpiresAt: number;
}

export interface LoginResult {
  token: string;
  expiresAt: number;
  user: EntityRecord;
}

/** Where a request came from, as recorded on its session and in the audit log. */
export interface ClientInfo {
  ipAddress: string | null;
  userAgent: string | null;
}

export const MIN_PASSWORD_LENGTH = 8;

/** How stale `Session.lastActivity` may get before a request writes it again. */
export const ACTIVITY_RESOLUTION_MS = 60_000;

/** The failure that a wrong username and a wrong password share. */
const invalidLogin = () => unauthenticated('Invalid username or password');

/**
 * Logins, sessions and passwords. A session's token is handed out once at login; the database
 * keeps only its SHA-256, so a stolen database holds no usable token.
 */
export class SessionService {
  constructor(
    private readonly db: Database,
    private readonly registry: EntityRegistry,
    private readonly entities: EntityService,
    private readonly audit: AuditService,
    private readonly ttlHours: number,
  ) {}

  async login(username: string, password: string, client: ClientInfo): Promise<LoginResult> {
    if (hasUnstorableCharacter(username) || username.length > 255) {
      // No stored username can hold these; refuse them as any unknown name.
      await verifyPassword(password, UNKNOWN_USER_HASH);
      throw invalidLogin();
    }
    const credentialType = this.registry.get('Credential');
    const params = new SqlParams(this.db.dialect);
    const [credential] = await this.db.query<{ passwordHash: string }>(
      `SELECT ${params.column('passwordHash')} FROM ${params.column('Credential')} ` +
        `WHERE ${params.column('username')} = ${params.add(username)}`,
      params.values,
    );
    const valid = await verifyPassword(password, credential?.passwordHash ?? UNKNOWN_USER_HASH);
    const [user] = valid
      ? await this.entities.loadBy(SYSTEM_ACTOR, 'User', 'username', [username])
      : [];
    const actor: Actor = { userId: (user?.id as string) ?? null, tenantId: null, ...client };
    if (!credential || !valid || !user) {
      await this.audit.record(this.db, actor, {
        action: 'login-failed',
        entityType: credentialType.name,
        details: { username, reason: credential ? 'wrong password' : 'unknown username' },
      });
      throw invalidLogin();
    }

    const token = newSessionToken();
    const now = Date.now();
    const expiresAt = now + this.ttlHours * 3600_000;
    await this.db.transaction(async (tx) => {
      await insertRecords(tx, this.registry.get('Session'), [
        {
          id: randomUUID(),
          userId: user.id,
          token: hashSessionToken(token),
          expiresAt,
          createdAt: now,
          lastActivity: now,
          ipAddress: client.ipAddress?.slice(0, 64) ?? null,
          userAgent: client.userAgent?.slice(0, 512) ?? null,
        },
      ]);
      await this.audit.record(tx, actor, {
        action: 'login',
        entityType: 'User',
        entityId: String(user.id),
      });
    });

    return { token, expiresAt, user };
  }

  /** The viewer of a bearer token, or null when the token names no unexpired session. */
  async resolve(token: string): Promise<Viewer | null> {
    return this.viewerWhere('token', hashSessionToken(token));
  }

  /** The viewer of a session by its id, or null when it has ended or expired. */
  async resolveById(sessionId: string): Promise<Viewer | null> {
    return this.viewerWhere('id', sessionId);
  }

  private async viewerWhere(column: 'token' | 'id', value: string): Promise<Viewer | null> {
    const userType = this.registry.get('User');
    const params = new SqlParams(this.db.dialect);
    const userColumns = userType.fields.map((f) => `u.${params.column(f.name)}`).join(', ');
    const sql =
      `SELECT s.${params.column('id')} AS "sessionId", ` +
      `s.${params.column('expiresAt')} AS "sessionExpiresAt", ` +
      `s.${params.column('lastActivity')} AS "sessionLastActivity", ` +
      `${userColumns} FROM ${params.column('Session')} AS s JOIN ${params.column('User')} AS u ` +
      `ON u.${params.column('id')} = s.${params.column('userId')} ` +
      `WHERE s.${params.column(column)} = ${params.add(value)} ` +
      `AND s.${params.column('expiresAt')} > ${params.add(Date.now())}`;
    const [row] = await this.db.query(sql, params.values);
    if (!row) {
      return null;
    }
    const user = decodeRecord(this.db.dialect, userType, row);
    await this.touch(String(row.sessionId), row.sessionLastActivity);

    return {
      user,
      userId: String(user.id),
      level: levelOf(user.role),
      tenantId: (user.tenantId as string | null) ?? null,
      sessionId: String(row.sessionId),
      sessionExpiresAt: Number(row.sessionExpiresAt),
    };
  }

  /**
   * Slides the session's `lastActivity` forward, at most once a minute: the row is written only
   * when the stored value is older than that, and the condition in the UPDATE keeps concurrent
   * requests (and other gateway instances) from writing it twice.
   */
  private async touch(sessionId: string, lastActivity: unknown): Promise<void> {
    const now = Date.now();
    const stale = now - ACTIVITY_RESOLUTION_MS;
    if (lastActivity !== null && lastActivity !== undefined && Number(lastActivity) > stale) {
      return;
    }
    const params = new SqlParams(this.db.dialect);
    const column = params.column('lastActivity');
    await this.db.query(
      `UPDATE ${params.column('Session')} SET ${column} = ${params.add(now)} ` +
        `WHERE ${params.column('id')} = ${params.add(sessionId)} ` +
        `AND (${column} IS NULL OR ${column} <= ${params.add(stale)})`,
      params.values,
    );
  }

  /** Records a login refused before its password was checked, with the reason. */
  async recordRefusedLogin(username: string, client: ClientInfo, reason: string): Promise<void> {
    await this.audit.record(
      this.db,
      { userId: null, tenantId: null, ...client },
      {
        action: 'login-failed',
        entityType: this.registry.get('Credential').name,
        details: { username, reason },
      },
    );
  }

  /** Ends the viewer's session; true when there was one to end. */
  async logout(viewer: Viewer | null, client: ClientInfo): Promise<boolean> {
    if (!viewer) {
      return false;
    }
    const actor: Actor = { userId: viewer.userId, tenantId: null, ...client };
    await this.db.transaction(async (tx) => {
      const params = new SqlParams(tx.dialect);
      await tx.query(
        `DELETE FROM ${params.column('Session')} ` +
          `WHERE ${params.column('id')} = ${params.add(viewer.sessionId)}`,
        params.values,
      );
      await this.audit.record(tx, actor, {
        action: 'logout',
        entityType: 'Session',
        entityId: viewer.sessionId,
      });
    });

    return true;
  }

  /** Creates or replaces a user's credential; the user must be within the actor's tenant. */
  async setPassword(actor: Actor, userId: string, password: string): Promise<boolean> {
    if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
      throw badRequest(`A password needs at least ${MIN_PASSWORD_LENGTH} characters`, {
        field: 'password',
      });
    }
    const user = await this.entities.get(actor, 'User', userId);
    if (!user) {
      throw notFound(`User with id '${userId}' not found`, { entityType: 'User', id: userId });
    }
    const passwordHash = await hashPassword(password);
    const credentialType = this.registry.get('Credential');
    await this.db.transaction(async (tx) => {
      const params = new SqlParams(tx.dialect);
      const [existing] = await tx.query<{ id: string }>(
        `SELECT ${params.column('id')} FROM ${params.column('Credential')} ` +
          `WHERE ${params.column('username')} = ${params.add(user.username)}`,
        params.values,
      );
      const now = Date.now();
      if (existing) {
        await updateRecord(tx, credentialType, existing.id, {
          passwordHash,
          firstLogin: true,
          updatedAt: now,
        });
      } else {
        await insertRecords(tx, credentialType, [
          {
            id: randomUUID(),
            username: user.username,
            passwordHash,
            firstLogin: true,
            createdAt: now,
            updatedAt: null,
          },
        ]);
      }
      await this.audit.record(tx, actor, {
        action: 'set-password',
        entityType: 'User',
        entityId: userId,
      });
    });

    return true;
  }
}
