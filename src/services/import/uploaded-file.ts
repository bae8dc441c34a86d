import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { badRequest, GatewayError } from '../../errors';
import { importFormatOf } from './import-source';

/** A file of a multipart request, as graphql-upload-minimal hands it over. */
export interface UploadedFile {
  filename: string;
  createReadStream(): NodeJS.ReadableStream;
}

/** An error of the multipart parser (it carries an HTTP status) in the API's terms. */
function uploadError(error: unknown, maxBytes: number): GatewayError {
  if (error instanceof GatewayError) {
    return error;
  }
  const status = (error as { status?: number })?.status;
  if (status === 413) {
    return tooLarge(maxBytes);
  }

  return badRequest(`The upload could not be read: ${(error as Error)?.message ?? String(error)}`, {
    field: 'file',
  });
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(
    'PAYLOAD_TOO_LARGE',
    `The file is larger than the ${maxBytes} bytes an import takes (MAX_UPLOAD_BYTES)`,
    { field: 'file' },
  );
}

/**
 * Receives an uploaded file whole into a temporary folder before `work` reads it, so that an
 * oversize or broken upload is refused before any import starts. The folder is removed after.
 */
export async function withUploadedFile<T>(
  upload: Promise<UploadedFile>,
  maxBytes: number,
  work: (path: string, fileName: string) => Promise<T>,
): Promise<T> {
  let file: UploadedFile;
  try {
    file = await upload;
  } catch (error) {
    throw uploadError(error, maxBytes);
  }
  importFormatOf(file.filename);

  const dir = await mkdtemp(join(tmpdir(), 'mb-upload-'));
  try {
    const path = join(dir, 'upload');
    let stream: NodeJS.ReadableStream;
    // Read by iteration, not piped: the parser unpipes a file that reaches the size limit.
    const handle = await open(path, 'w');
    try {
      stream = file.createReadStream();
      for await (const chunk of stream) {
        await handle.write(chunk as Buffer);
      }
    } catch (error) {
      throw uploadError(error, maxBytes);
    } finally {
      await handle.close();
    }
    // The multipart parser stops a file at the size limit and marks it truncated.
    if ((stream as { truncated?: boolean }).truncated) {
      throw tooLarge(maxBytes);
    }

    return await work(path, file.filename);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
