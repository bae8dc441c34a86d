/** The roles in order: a role's position is its permission level. */
export const ROLES = ['public', 'user', 'moderator', 'admin', 'god', 'supergod'] as const;

export type Role = (typeof ROLES)[number];

/** The level the database manager requires: supergod. */
export const ADMIN_LEVEL = 5;

export function levelOf(role: unknown): number {
  const level = ROLES.indexOf(role as Role);

  return level < 0 ? 0 : level;
}
