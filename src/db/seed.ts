import { randomBytes } from 'node:crypto';
import { ROLES } from '../auth/levels';
import { newSessionToken } from '../auth/secrets';
import type { Services } from '../services';
import { SYSTEM_ACTOR } from '../services/record-query';

/** The password of every demo user; the demo data exists only outside production. */
export const DEMO_PASSWORD = 'metabuilder-demo';

export interface SeedResult {
  /** Whether the database was empty and got its first users. */
  seeded: boolean;
  adminPassword?: string;
  /** True when the admin password was generated here and must be shown once. */
  generated: boolean;
}

const DAY = 24 * 3600_000;

/** Whether the database has any user yet. */
export async function isEmpty(services: Services): Promise<boolean> {
  const page = await services.entities.list(SYSTEM_ACTOR, 'User', { limit: 1 });

  return page.pagination.total === 0;
}

/** Creates the supergod `admin` (no tenant) with the given or a generated password. */
export async function createAdmin(services: Services, username: string, password?: string) {
  const chosen = password ?? randomBytes(12).toString('base64url');
  const existing = await services.entities.loadBy(SYSTEM_ACTOR, 'User', 'username', [username]);
  const user =
    existing[0] ??
    (await services.entities.create(SYSTEM_ACTOR, 'User', {
      username,
      email: `${username}@metabuilder.local`,
      role: 'supergod',
      isInstanceOwner: true,
    }));
  await services.sessions.setPassword(SYSTEM_ACTOR, String(user.id), chosen);

  return { user, password: chosen, generated: password === undefined };
}

/**
 * Seeds an empty database: the admin always (outside production), and with `demo` a small
 * MetaBuilder site: users of every role in two tenants and without one, their credentials and
 * sessions, pages with component trees and configs, a workflow and installed packages.
 */
export async function seedDatabase(
  services: Services,
  options: { adminPassword?: string; demo: boolean },
): Promise<SeedResult> {
  if (!(await isEmpty(services))) {
    return { seeded: false, generated: false };
  }
  const admin = await createAdmin(services, 'admin', options.adminPassword);
  if (options.demo) {
    await seedDemo(services);
  }

  return { seeded: true, adminPassword: admin.password, generated: admin.generated };
}

async function seedDemo(services: Services): Promise<void> {
  const create = (type: string, data: Record<string, unknown>) =>
    services.entities.create(SYSTEM_ACTOR, type, data);
  const now = Date.now();

  // Users of every role, in each tenant and without one.
  const tenants: Array<string | null> = ['acme', 'globex', null];
  const users: Record<string, unknown>[] = [];
  for (const tenant of tenants) {
    for (const role of ROLES) {
      const username = `${tenant ?? 'global'}-${role}`;
      const user = await create('User', {
        username,
        email: `${username}@${tenant ?? 'metabuilder'}.example`,
        role,
        tenantId: tenant,
        bio: role === 'supergod' ? `Runs the ${tenant ?? 'whole'} instance.` : null,
        createdAt: now - ROLES.indexOf(role) * DAY,
        firstLogin: role === 'public',
      });
      users.push(user);
      await services.sessions.setPassword(SYSTEM_ACTOR, String(user.id), DEMO_PASSWORD);
    }
  }

  // A live and an expired session for a few users.
  for (const user of users.filter((u) => ['admin', 'moderator'].includes(String(u.role)))) {
    await create('Session', {
      userId: user.id,
      token: newSessionToken(),
      expiresAt: now + DAY,
      ipAddress: '127.0.0.1',
      userAgent: 'demo-browser/1.0',
    });
    await create('Session', {
      userId: user.id,
      token: newSessionToken(),
      createdAt: now - 3 * DAY,
      expiresAt: now - 2 * DAY,
    });
  }

  for (const tenant of ['acme', 'globex']) {
    await seedSite(services, tenant, now);
  }
}

async function seedSite(services: Services, tenant: string, now: number): Promise<void> {
  const create = (type: string, data: Record<string, unknown>) =>
    services.entities.create(SYSTEM_ACTOR, type, data);
  const owner = (
    await services.entities.loadBy(SYSTEM_ACTOR, 'User', 'username', [`${tenant}-admin`])
  )[0];

  const pages = [
    { path: '/', title: 'Home', level: 0, requiresAuth: false },
    { path: '/dashboard', title: 'Dashboard', level: 1, requiresAuth: true },
    {
      path: '/admin/users',
      title: 'User management',
      level: 3,
      requiresAuth: true,
      requiredRole: 'admin',
    },
  ];
  for (const [index, page] of pages.entries()) {
    const created = await create('PageConfig', {
      ...page,
      tenantId: tenant,
      description: `${page.title} of ${tenant}`,
      component: 'PageLayout',
      componentTree: { type: 'PageLayout', children: [{ type: 'Header' }, { type: 'Content' }] },
      sortOrder: index,
      params: index === 0 ? null : { section: page.path.split('/')[1] },
      meta: { seo: { title: `${page.title} | ${tenant}` } },
    });

    // A root node with two children, each with its config.
    const root = await create('ComponentNode', {
      pageId: created.id,
      type: 'PageLayout',
      childIds: [],
      order: 0,
    });
    const children = [];
    for (const [order, type] of ['Header', 'Content'].entries()) {
      const child = await create('ComponentNode', {
        pageId: created.id,
        parentId: root.id,
        type,
        childIds: [],
        order,
      });
      children.push(child.id);
      await create('ComponentConfig', {
        componentId: child.id,
        props: { title: type === 'Header' ? page.title : undefined, dense: order === 0 },
        styles: { padding: 8 * (order + 1) },
        events: type === 'Header' ? { onClick: 'navigateHome' } : {},
        conditionalRendering: page.requiresAuth ? { minLevel: page.level } : null,
      });
    }
    await services.entities.update(SYSTEM_ACTOR, 'ComponentNode', String(root.id), {
      childIds: children,
    });
  }

  await create('Workflow', {
    tenantId: tenant,
    name: 'New user onboarding',
    description: 'Welcome mail, then profile review, then either approval or a reminder.',
    nodes: [
      { id: 'start', type: 'trigger', event: 'user.created' },
      { id: 'mail', type: 'action', action: 'sendWelcomeMail' },
      { id: 'review', type: 'condition', expression: 'user.bio != null' },
      { id: 'approve', type: 'action', action: 'approveUser' },
      { id: 'remind', type: 'action', action: 'sendReminder', delayHours: 24 },
    ],
    edges: [
      { source: 'start', target: 'mail' },
      { source: 'mail', target: 'review' },
      { source: 'review', target: 'approve', when: true },
      { source: 'review', target: 'remind', when: false },
    ],
    createdBy: owner?.id ?? null,
  });

  const packageId = `${tenant}-forum`;
  await create('InstalledPackage', {
    packageId,
    tenantId: tenant,
    version: '1.4.2',
    config: { moderation: 'strict', maxPostLength: 5000 },
    installedAt: now - 10 * DAY,
  });
  await create('PackageData', {
    packageId,
    data: { categories: ['General', 'Support'], pinned: [], stats: { posts: 0 } },
  });
}
