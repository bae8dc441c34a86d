import type { EntityRegistry } from '../../registry/entity-registry';
import type { FileEntry } from './file-entry';
import type { ImportSource } from './import-source';
import { readJsonEntries } from './json-entry-reader';
import { readSqlEntries } from './sql-entry-reader';
import { readYamlEntries } from './yaml-entry-reader';

/** The entries of a file to import, in file order, read by the reader of its format. */
export function readFileEntries(
  source: ImportSource,
  registry: EntityRegistry,
): AsyncIterable<FileEntry> {
  const chunks = source.chunks();
  if (source.format === 'SQL') {
    return readSqlEntries(chunks, registry);
  }

  return source.format === 'YAML' ? readYamlEntries(chunks) : readJsonEntries(chunks);
}
