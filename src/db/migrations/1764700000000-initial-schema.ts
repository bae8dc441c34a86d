import { type MigrationInterface, type QueryRunner, Table, type TableColumnOptions } from 'typeorm';

type Kind = 'id' | 'string' | 'text' | 'int' | 'bool' | 'timestamp' | 'json';

interface ColumnSpec {
  kind: Kind;
  length?: number;
  nullable?: boolean;
  primary?: boolean;
  unique?: boolean;
  default?: string | number | boolean;
}

type Columns = Record<string, ColumnSpec>;

interface ForeignKeySpec {
  column: string;
  table: string;
  referenced: string;
  onDelete: 'CASCADE' | 'SET NULL';
  onUpdate?: 'CASCADE';
}

const id = (more: Partial<ColumnSpec> = {}): ColumnSpec => ({ kind: 'id', ...more });
const str = (length: number, more: Partial<ColumnSpec> = {}): ColumnSpec => ({
  kind: 'string',
  length,
  ...more,
});
const kind =
  (k: Kind) =>
  (more: Partial<ColumnSpec> = {}) => ({ kind: k, ...more });
const text = kind('text');
const int = kind('int');
const bool = kind('bool');
const timestamp = kind('timestamp');
const json = kind('json');
const optional = { nullable: true };

/** The ten tables of a MetaBuilder database, written once for SQLite and PostgreSQL alike. */
const TABLES: Array<{ name: string; columns: Columns; foreignKeys?: ForeignKeySpec[] }> = [
  {
    name: 'User',
    columns: {
      id: id({ primary: true }),
      username: str(50, { unique: true }),
      email: str(255, { unique: true }),
      role: str(20, { default: 'user' }),
      profilePicture: str(2048, optional),
      bio: text(optional),
      createdAt: timestamp(),
      tenantId: str(100, optional),
      isInstanceOwner: bool({ default: false }),
      passwordChangeTimestamp: timestamp(optional),
      firstLogin: bool({ default: false }),
    },
  },
  {
    name: 'Session',
    columns: {
      id: id({ primary: true }),
      userId: id(),
      token: str(128, { unique: true }),
      expiresAt: timestamp(),
      createdAt: timestamp(),
      lastActivity: timestamp(optional),
      ipAddress: str(64, optional),
      userAgent: str(512, optional),
    },
    foreignKeys: [{ column: 'userId', table: 'User', referenced: 'id', onDelete: 'CASCADE' }],
  },
  {
    name: 'Credential',
    columns: {
      id: id({ primary: true }),
      username: str(50, { unique: true }),
      passwordHash: str(255),
      firstLogin: bool({ default: true }),
      createdAt: timestamp(),
      updatedAt: timestamp(optional),
    },
    foreignKeys: [
      {
        column: 'username',
        table: 'User',
        referenced: 'username',
        onDelete: 'CASCADE',
        onUpdate: 'CASCADE',
      },
    ],
  },
  {
    name: 'PageConfig',
    columns: {
      id: id({ primary: true }),
      tenantId: str(100, optional),
      packageId: str(100, optional),
      path: str(255),
      title: str(255),
      description: text(optional),
      icon: str(255, optional),
      component: str(255, optional),
      componentTree: json(),
      level: int(),
      requiresAuth: bool(),
      requiredRole: str(50, optional),
      parentPath: str(255, optional),
      sortOrder: int({ default: 0 }),
      isPublished: bool({ default: true }),
      params: json(optional),
      meta: json(optional),
      createdAt: timestamp(optional),
      updatedAt: timestamp(optional),
    },
  },
  {
    name: 'ComponentNode',
    columns: {
      id: id({ primary: true }),
      pageId: id(),
      parentId: id(optional),
      type: str(100),
      childIds: json(),
      order: int({ default: 0 }),
    },
    foreignKeys: [
      { column: 'pageId', table: 'PageConfig', referenced: 'id', onDelete: 'CASCADE' },
      { column: 'parentId', table: 'ComponentNode', referenced: 'id', onDelete: 'CASCADE' },
    ],
  },
  {
    name: 'ComponentConfig',
    columns: {
      id: id({ primary: true }),
      componentId: id(),
      props: json({ default: '{}' }),
      styles: json({ default: '{}' }),
      events: json({ default: '{}' }),
      conditionalRendering: json(optional),
    },
    foreignKeys: [
      { column: 'componentId', table: 'ComponentNode', referenced: 'id', onDelete: 'CASCADE' },
    ],
  },
  {
    name: 'Workflow',
    columns: {
      id: id({ primary: true }),
      tenantId: str(100, optional),
      name: str(255),
      description: text(optional),
      nodes: json(),
      edges: json(),
      enabled: bool({ default: true }),
      version: int({ default: 1 }),
      createdAt: timestamp(optional),
      updatedAt: timestamp(optional),
      createdBy: id(optional),
    },
    foreignKeys: [{ column: 'createdBy', table: 'User', referenced: 'id', onDelete: 'SET NULL' }],
  },
  {
    name: 'InstalledPackage',
    columns: {
      packageId: str(100, { primary: true }),
      tenantId: str(100, optional),
      version: str(50),
      enabled: bool({ default: true }),
      config: json({ default: '{}' }),
      installedAt: timestamp(),
    },
  },
  {
    name: 'PackageData',
    columns: {
      packageId: str(100, { primary: true }),
      data: json(),
    },
    foreignKeys: [
      {
        column: 'packageId',
        table: 'InstalledPackage',
        referenced: 'packageId',
        onDelete: 'CASCADE',
      },
    ],
  },
  {
    name: 'AuditLog',
    columns: {
      id: id({ primary: true }),
      at: timestamp(),
      userId: id(optional),
      action: str(50),
      entityType: str(50, optional),
      entityId: str(100, optional),
      ipAddress: str(64, optional),
      details: json(optional),
    },
  },
];

/** Secondary indexes: foreign keys (for joins and cascades), tenants and the audit trail. */
const INDEXES: Array<[table: string, columns: string[]]> = [
  ['User', ['tenantId']],
  ['Session', ['userId']],
  ['Session', ['expiresAt']],
  ['PageConfig', ['tenantId']],
  ['ComponentNode', ['pageId']],
  ['ComponentNode', ['parentId']],
  ['ComponentConfig', ['componentId']],
  ['Workflow', ['tenantId']],
  ['Workflow', ['createdBy']],
  ['InstalledPackage', ['tenantId']],
  ['AuditLog', ['at']],
  ['AuditLog', ['userId']],
];

function columnType(
  spec: ColumnSpec,
  postgres: boolean,
): Pick<TableColumnOptions, 'type' | 'length'> {
  switch (spec.kind) {
    case 'id':
    case 'text':
      return { type: 'text' };
    case 'string':
      return { type: 'varchar', length: String(spec.length) };
    case 'int':
      return { type: 'integer' };
    case 'bool':
      return { type: 'boolean' };
    case 'timestamp':
      return { type: 'bigint' };
    case 'json':
      return { type: postgres ? 'jsonb' : 'text' };
  }
}

function defaultValue(spec: ColumnSpec, postgres: boolean): string | undefined {
  if (spec.default === undefined) {
    return undefined;
  }
  if (typeof spec.default === 'boolean') {
    return postgres ? String(spec.default) : spec.default ? '1' : '0';
  }
  if (typeof spec.default === 'number') {
    return String(spec.default);
  }

  return `'${spec.default}'`;
}

export class InitialSchema1764700000000 implements MigrationInterface {
  name = 'InitialSchema1764700000000';

  async up(runner: QueryRunner): Promise<void> {
    const postgres = runner.connection.driver.options.type === 'postgres';
    for (const table of TABLES) {
      const columns = Object.entries(table.columns).map(([name, spec]): TableColumnOptions => ({
        name,
        ...columnType(spec, postgres),
        isPrimary: spec.primary ?? false,
        isNullable: spec.nullable ?? false,
        isUnique: spec.unique ?? false,
        default: defaultValue(spec, postgres),
      }));
      const foreignKeys = (table.foreignKeys ?? []).map((fk) => ({
        name: `FK_${table.name}_${fk.column}`,
        columnNames: [fk.column],
        referencedTableName: fk.table,
        referencedColumnNames: [fk.referenced],
        onDelete: fk.onDelete,
        onUpdate: fk.onUpdate,
      }));
      await runner.createTable(new Table({ name: table.name, columns, foreignKeys }));
    }

    for (const [table, columns] of INDEXES) {
      const name = `IDX_${table}_${columns.join('_')}`;
      const list = columns.map((c) => `"${c}"`).join(', ');
      await runner.query(`CREATE INDEX "${name}" ON "${table}" (${list})`);
    }

    // A path is unique within a tenant; pages without a tenant share one namespace.
    await runner.query(
      'CREATE UNIQUE INDEX "UQ_PageConfig_tenant_path" ' +
        `ON "PageConfig" (COALESCE("tenantId", ''), "path")`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [...TABLES].reverse()) {
      await runner.dropTable(table.name);
    }
  }
}
