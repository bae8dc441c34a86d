import { Parser } from 'node-sql-parser/build/postgresql';
import { badRequest } from '../../errors';
import type { SqlStatement } from './sql-statement-splitter';
import { type SqlInsert, type SqlValue, unescapeBackslashes } from './sql-insert';

/** What a statement of an import file may be. */
export type ParsedStatement = { kind: 'transaction' } | { kind: 'insert'; insert: SqlInsert };

const ALLOWED =
  'a SQL file to import may hold only INSERT … VALUES statements, BEGIN, COMMIT and comments';

/** Statements of transaction control the PostgreSQL grammar of the parser does not know. */
const TRANSACTION_WORDS = /^\s*(BEGIN|START|COMMIT|END)(\s+(TRANSACTION|WORK))?\s*$/i;

const parser = new Parser();

interface AstNode {
  type: string;
  [key: string]: unknown;
}

function refused(statement: SqlStatement, what: string) {
  return badRequest(`Line ${statement.line}: ${what} statements are not allowed; ${ALLOWED}`, {
    line: statement.line,
  });
}

/** White space and comments before a statement's first word. */
const LEADING = /^(?:\s|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

function firstWord(text: string): string {
  return /^[A-Za-z_]+/.exec(text)?.[0]?.toUpperCase() ?? `'${text.slice(0, 20)}'`;
}

/**
 * Reads a statement with node-sql-parser (its PostgreSQL grammar, which also takes the quoting
 * SQLite writes): transaction control is let through, `INSERT … VALUES` of literals becomes rows,
 * anything else is a BAD_REQUEST naming its line. Nothing is ever executed.
 */
export function parseSqlStatement(statement: SqlStatement): ParsedStatement {
  // From the first word on, so that the parser's line numbers count from the statement's line.
  const text = statement.text.replace(LEADING, '');
  let ast: AstNode;
  try {
    const parsed = parser.astify(text, { database: 'postgresql' }) as unknown;
    ast = (Array.isArray(parsed) ? parsed[0] : parsed) as AstNode;
  } catch (error) {
    if (TRANSACTION_WORDS.test(stripComments(text))) {
      return { kind: 'transaction' };
    }
    const word = firstWord(text);
    if (word !== 'INSERT') {
      throw refused(statement, word);
    }
    const location = (error as { location?: { start?: { line: number; column: number } } }).location
      ?.start;
    const line = location ? statement.line + location.line - 1 : statement.line;
    const found = /but (.*) found\.$/s.exec((error as Error).message)?.[1];
    const reason = found ? `unexpected ${found}` : (error as Error).message;
    throw badRequest(
      `Line ${line}${location ? `, column ${location.column}` : ''}: cannot read the INSERT statement: ${reason}`,
      { line },
    );
  }

  if (ast.type === 'transaction') {
    const action = String((ast.expr as { action?: { value?: string } })?.action?.value);
    if (!/^(begin|start|commit)$/i.test(action)) {
      throw refused(statement, action.toUpperCase());
    }

    return { kind: 'transaction' };
  }
  if (ast.type !== 'insert') {
    const keyword = typeof ast.keyword === 'string' ? ` ${ast.keyword.toUpperCase()}` : '';
    throw refused(statement, `${ast.type.toUpperCase()}${keyword}`);
  }

  return { kind: 'insert', insert: insertOf(statement, ast) };
}

function insertOf(statement: SqlStatement, ast: AstNode): SqlInsert {
  const values = ast.values as { type?: string; values?: Array<{ value: AstNode[] }> };
  if (values?.type !== 'values' || !Array.isArray(values.values)) {
    throw refused(statement, 'INSERT … SELECT');
  }
  if (ast.returning) {
    throw refused(statement, 'INSERT … RETURNING');
  }
  const [target] = ast.table as Array<{ db: string | null; table: string }>;
  const columns = ast.columns as Array<string | { value: string }> | null;

  return {
    schema: target.db,
    table: target.table,
    columns: columns?.map((column) => (typeof column === 'string' ? column : column.value)) ?? null,
    rows: values.values.map((row) => ({
      values: row.value.map((node) => literal(statement, node)),
      line: statement.line,
    })),
    line: statement.line,
  };
}

function literal(statement: SqlStatement, node: AstNode): SqlValue {
  switch (node.type) {
    case 'single_quote_string':
      return String(node.value).replace(/''/g, "'");
    case 'number':
      return Number(node.value);
    case 'bool':
      return node.value === true;
    case 'null':
      return null;
    case 'cast':
      return literal(statement, node.expr as AstNode);
    case 'unary_expr': {
      const inner = literal(statement, node.expr as AstNode);
      if (typeof inner === 'number' && (node.operator === '-' || node.operator === '+')) {
        return node.operator === '-' ? -inner : inner;
      }
      break;
    }
    case 'default': {
      const match = /^[Ee]'([\s\S]*)'$/.exec(String(node.value));
      if (match) {
        return unescapeBackslashes(match[1].replace(/''/g, "'"));
      }
      break;
    }
    case 'binary_expr': {
      // Text joined with ||, as SQLite dumps write characters a literal cannot hold.
      const left = literal(statement, node.left as AstNode);
      const right = literal(statement, node.right as AstNode);
      if (node.operator === '||' && typeof left === 'string' && typeof right === 'string') {
        return left + right;
      }
      break;
    }
    case 'function': {
      // char(13, 10): the characters of those code points.
      const name = (node.name as { name?: Array<{ value?: unknown }> })?.name?.[0]?.value;
      const args = ((node.args as { value?: AstNode[] })?.value ?? []).map((arg) =>
        literal(statement, arg),
      );
      if (String(name).toLowerCase() === 'char' && args.every(isCodePoint)) {
        return String.fromCodePoint(...(args as number[]));
      }
      break;
    }
    case 'double_quote_string':
      throw badRequest(
        `Line ${statement.line}: "${String(node.value)}" in double quotes is a name in SQL, not a ` +
          'value; strings take single quotes',
        { line: statement.line },
      );
  }
  throw badRequest(
    `Line ${statement.line}: only literal values (strings, numbers, NULL, TRUE, FALSE) can be ` +
      `imported, found ${describe(node)}`,
    { line: statement.line },
  );
}

function isCodePoint(value: SqlValue): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0x10ffff;
}

function describe(node: AstNode): string {
  if (node.type === 'function') {
    return 'a function call';
  }
  if (node.type === 'column_ref') {
    return 'a column name';
  }

  return `an expression of type ${node.type}`;
}

function stripComments(text: string): string {
  return text.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}
