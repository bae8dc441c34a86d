import { randomUUID } from 'node:crypto';
import {
  hashPassword,
  hashSessionToken,
  PASSWORD_HASH_FORM,
  SESSION_TOKEN_HASH_FORM,
} from '../auth/secrets';
import { ROLES } from '../auth/levels';
import type { FieldCheck, SecretInput, TenantPath } from './entity-info';

/** What the TypeORM metadata cannot say about a field. */
export interface FieldRule {
  json?: boolean;
  enumValues?: readonly string[];
  pattern?: { regex: RegExp; hint: string };
  minLength?: number;
  min?: number;
  max?: number;
  /** Filled on create and import when left out. */
  defaultValue?: () => unknown;
  touchOnUpdate?: boolean;
  secret?: SecretInput;
  /** Unique regardless of letter case: `Alice` and `alice` are the same name. */
  uniqueIgnoringCase?: boolean;
  /** Only an instance-wide supergod may change it; a tenant's supergod leaves it as it is. */
  instanceOnly?: boolean;
  /** For a foreign key: the record pointed at must hold the same value in this field. */
  sameAs?: string;
  checks?: FieldCheck[];
  description?: string;
}

/** What the TypeORM metadata cannot say about an entity type. */
export interface EntityRule {
  collection: string;
  description: string;
  sensitive?: boolean;
  readOnly?: boolean;
  /** Overrides the text fields a search looks into. */
  search?: string[];
  uniqueGroups?: string[][];
  /** A tenant reached through a field that is no foreign key (the audit log outlives users). */
  tenantPath?: TenantPath;
  fields: Record<string, FieldRule>;
}

const now = () => Date.now();
const uuid = () => randomUUID();
const json: FieldRule = { json: true };

const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const NUMBER = '(?:0|[1-9]\\d*)';
const SEMVER = new RegExp(
  `^${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?(?:\\+[0-9A-Za-z.-]+)?$`,
);

const isArrayOfStrings: FieldCheck = (value) =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? undefined
    : 'must be an array of ids (strings)';

const workflowNodes: FieldCheck = (value) => {
  if (!Array.isArray(value)) {
    return 'must be an array of nodes';
  }
  const seen = new Set<string>();
  for (const [index, node] of value.entries()) {
    const id = (node as { id?: unknown } | null)?.id;
    if (typeof node !== 'object' || node === null || typeof id !== 'string' || id === '') {
      return `node ${index} must be an object with a string id`;
    }
    if (seen.has(id)) {
      return `node id '${id}' appears more than once`;
    }
    seen.add(id);
  }

  return undefined;
};

/** Edges must join existing nodes and leave the graph without a cycle. */
const workflowEdges: FieldCheck = (value, record) => {
  if (!Array.isArray(value)) {
    return 'must be an array of edges';
  }
  const nodes = Array.isArray(record.nodes) ? record.nodes : [];
  const ids = new Set(nodes.map((node) => (node as { id?: unknown })?.id));
  const next = new Map<string, string[]>();
  for (const [index, edge] of value.entries()) {
    const { source, target } = (edge ?? {}) as { source?: unknown; target?: unknown };
    if (typeof source !== 'string' || typeof target !== 'string') {
      return `edge ${index} must be an object with string source and target`;
    }
    for (const end of [source, target]) {
      if (!ids.has(end)) {
        return `edge ${index} names node '${end}', which is not among the nodes`;
      }
    }
    next.set(source, [...(next.get(source) ?? []), target]);
  }

  // Depth-first search: a node met again while still on the path closes a cycle.
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string): string | undefined => {
    state.set(id, 'open');
    for (const to of next.get(id) ?? []) {
      if (state.get(to) === 'open') {
        return `edges form a cycle through node '${to}'`;
      }
      const found = state.has(to) ? undefined : visit(to);
      if (found) {
        return found;
      }
    }
    state.set(id, 'done');

    return undefined;
  };
  for (const id of next.keys()) {
    const found = state.has(id) ? undefined : visit(id);
    if (found) {
      return found;
    }
  }

  return undefined;
};

const sessionToken: SecretInput = {
  input: 'token',
  store: hashSessionToken,
  storedForm: SESSION_TOKEN_HASH_FORM,
  storedFormHint: 'the lowercase hex SHA-256 of the bearer token',
};

const passwordHash: SecretInput = {
  input: 'password',
  store: hashPassword,
  storedForm: PASSWORD_HASH_FORM,
  storedFormHint: 'a scrypt hash written by this gateway',
};

/**
 * The rules of every entity type beyond what its columns say. One line per table: adding a table is
 * an entity schema, a migration and an entry here.
 */
export const ENTITY_RULES: Record<string, EntityRule> = {
  User: {
    collection: 'users',
    description: 'A person who can log in; the role gives the permission level (0-5).',
    fields: {
      id: { defaultValue: uuid },
      username: {
        pattern: { regex: /^[A-Za-z0-9_-]+$/, hint: 'letters, digits, _ and -' },
        minLength: 3,
        uniqueIgnoringCase: true,
      },
      email: { pattern: { regex: EMAIL, hint: 'an e-mail address' }, uniqueIgnoringCase: true },
      role: { enumValues: ROLES },
      createdAt: { defaultValue: now },
      isInstanceOwner: { instanceOnly: true },
    },
  },
  Session: {
    collection: 'sessions',
    description: 'A login session; its token is stored only as a hash and never returned.',
    sensitive: true,
    fields: {
      id: { defaultValue: uuid },
      token: { secret: sessionToken, minLength: 1 },
      createdAt: { defaultValue: now },
    },
  },
  Credential: {
    collection: 'credentials',
    description: 'The password of a user, stored as a salted slow hash and never returned.',
    sensitive: true,
    fields: {
      id: { defaultValue: uuid },
      passwordHash: { secret: passwordHash, minLength: 8 },
      createdAt: { defaultValue: now },
      updatedAt: { touchOnUpdate: true },
    },
  },
  PageConfig: {
    collection: 'pageConfigs',
    description: 'A page of the site: its path, the level a visitor needs and its component tree.',
    uniqueGroups: [['tenantId', 'path']],
    fields: {
      id: { defaultValue: uuid },
      path: { pattern: { regex: /^\//, hint: 'a path starting with /' } },
      componentTree: json,
      level: { min: 0, max: 5 },
      params: json,
      meta: json,
      createdAt: { defaultValue: now },
      updatedAt: { touchOnUpdate: true },
    },
  },
  ComponentNode: {
    collection: 'componentNodes',
    description: 'A node of a page component tree.',
    fields: {
      id: { defaultValue: uuid },
      parentId: { sameAs: 'pageId' },
      childIds: { json: true, checks: [isArrayOfStrings] },
    },
  },
  ComponentConfig: {
    collection: 'componentConfigs',
    description: 'The props, styles and events of a component node.',
    fields: {
      id: { defaultValue: uuid },
      props: { json: true, defaultValue: () => ({}) },
      styles: { json: true, defaultValue: () => ({}) },
      events: { json: true, defaultValue: () => ({}) },
      conditionalRendering: json,
    },
  },
  Workflow: {
    collection: 'workflows',
    description: 'A workflow definition: a directed acyclic graph of nodes and edges.',
    fields: {
      id: { defaultValue: uuid },
      nodes: { json: true, checks: [workflowNodes] },
      edges: { json: true, checks: [workflowEdges] },
      createdAt: { defaultValue: now },
      updatedAt: { touchOnUpdate: true },
    },
  },
  InstalledPackage: {
    collection: 'installedPackages',
    description: 'A package installed on the instance or a tenant.',
    fields: {
      version: { pattern: { regex: SEMVER, hint: 'a semantic version x.y.z' } },
      config: { json: true, defaultValue: () => ({}) },
      installedAt: { defaultValue: now },
    },
  },
  PackageData: {
    collection: 'packageData',
    description: 'The data a package keeps, one record per installed package.',
    fields: { data: json },
  },
  AuditLog: {
    collection: 'auditLogs',
    description: 'What was done, by whom and when; written by the gateway, never by a caller.',
    readOnly: true,
    tenantPath: { field: 'userId', parent: 'User', parentField: 'id' },
    fields: {
      id: { defaultValue: uuid },
      at: { defaultValue: now },
      details: json,
    },
  },
};
