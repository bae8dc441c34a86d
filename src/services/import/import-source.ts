import { createReadStream, statSync } from 'node:fs';
import { extname } from 'node:path';
import { badRequest, quote } from '../../errors';
import type { ImportFormat } from './import-result';

const FORMAT_BY_EXTENSION: Record<string, ImportFormat> = {
  '.json': 'JSON',
  '.yaml': 'YAML',
  '.yml': 'YAML',
  '.sql': 'SQL',
};

/** The format of a file, told by its name; a BAD_REQUEST lists the extensions an import reads. */
export function importFormatOf(fileName: string): ImportFormat {
  const format = FORMAT_BY_EXTENSION[extname(fileName).toLowerCase()];
  if (!format) {
    throw badRequest(
      `Cannot import ${quote(fileName)}: the format comes from the file name, and valid ` +
        `extensions are ${Object.keys(FORMAT_BY_EXTENSION).join(', ')}`,
      { field: 'file' },
    );
  }

  return format;
}

/** The text of a file to import, read once from start to end in chunks. */
export interface ImportSource {
  /** The file name, for messages and the audit log; null for content sent inline. */
  readonly name: string | null;
  readonly format: ImportFormat;
  /** The length of the file in bytes (characters for inline content), when known. */
  readonly size: number | null;
  /** How far reading has come, in the unit of `size`. */
  readonly position: number;
  chunks(): AsyncIterable<string>;
}

const CHUNK_SIZE = 1 << 20;

/** A file on disk. */
export function fileSource(path: string, format: ImportFormat, name = path): ImportSource {
  let stream: ReturnType<typeof createReadStream> | undefined;

  return {
    name,
    format,
    size: statSync(path).size,
    get position() {
      return stream?.bytesRead ?? 0;
    },
    chunks() {
      stream = createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK_SIZE });

      return stripByteOrderMark(stream as AsyncIterable<string>);
    },
  };
}

/** Content that arrived as a string. */
export function textSource(text: string, format: ImportFormat, name: string | null = null) {
  let position = 0;
  async function* slices() {
    for (let start = 0; start < text.length; start += CHUNK_SIZE) {
      position = Math.min(text.length, start + CHUNK_SIZE);
      yield text.slice(start, position);
    }
  }
  const source: ImportSource = {
    name,
    format,
    size: text.length,
    get position() {
      return position;
    },
    chunks: () => stripByteOrderMark(slices()),
  };

  return source;
}

async function* stripByteOrderMark(chunks: AsyncIterable<string>): AsyncIterable<string> {
  let first = true;
  for await (const chunk of chunks) {
    yield first && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk;
    first = false;
  }
}
