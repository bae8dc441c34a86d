import { statfs } from 'node:fs/promises';

/** The size and free space of the volume that holds a folder. */
export interface DiskSpace {
  path: string;
  totalBytes: number;
  freeBytes: number;
  /** Free bytes an unprivileged process may use: what a database owned by one can still grow by. */
  availableBytes: number;
  /** `availableBytes` as a percentage of `totalBytes`; null for a volume that reports no size. */
  freePercent: number | null;
}

/** Errors that mean the folder is not reachable from this process, as opposed to a fault. */
const UNREACHABLE = new Set(['ENOENT', 'ENOTDIR', 'EACCES', 'EPERM']);

/** The volume of `path` as the operating system reports it, or null when it cannot be reached. */
export async function diskSpaceOf(path: string): Promise<DiskSpace | null> {
  let stats;
  try {
    stats = await statfs(path);
  } catch (error) {
    if (UNREACHABLE.has((error as NodeJS.ErrnoException).code ?? '')) {
      return null;
    }
    throw error;
  }
  const totalBytes = stats.blocks * stats.bsize;
  const availableBytes = stats.bavail * stats.bsize;

  return {
    path,
    totalBytes,
    freeBytes: stats.bfree * stats.bsize,
    availableBytes,
    freePercent: totalBytes > 0 ? (availableBytes / totalBytes) * 100 : null,
  };
}
