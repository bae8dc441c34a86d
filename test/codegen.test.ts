import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kind, parse } from 'graphql';
import manifest from '../operations/generated/persisted-documents.json';

const ROOT = join(__dirname, '..');
const CODEGEN = join(ROOT, 'node_modules', '.bin', 'graphql-codegen');

/** The names of the operations written in operations/*.graphql. */
function operationNames(): string[] {
  const dir = join(ROOT, 'operations');

  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .flatMap((file) => parse(readFileSync(join(dir, file), 'utf8')).definitions)
    .flatMap((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION && definition.name
        ? [definition.name.value]
        : [],
    )
    .sort();
}

describe('generated client code', () => {
  it('is what `npm run codegen` makes of schema.graphql and operations/ today', async () => {
    const run = await promisify(execFile)(CODEGEN, ['--config', 'codegen.ts', '--check'], {
      cwd: ROOT,
    }).then(
      () => ({ code: 0, output: '' }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        output: `${error.stdout}${error.stderr}`,
      }),
    );

    expect(run).toEqual({ code: 0, output: '' });
  });

  it('persists every operation of operations/, once', () => {
    const persisted = Object.values(manifest as Record<string, string>)
      .flatMap((text) => parse(text).definitions)
      .flatMap((definition) =>
        definition.kind === Kind.OPERATION_DEFINITION && definition.name
          ? [definition.name.value]
          : [],
      )
      .sort();

    expect(persisted).toEqual(operationNames());
  });
});
