import { formatBytes } from '../src/services/stats/format-bytes';

describe('sizes for people to read', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [1024 * 1024 - 1, '1 MB'],
    [3.2 * 1024 * 1024, '3.2 MB'],
    [150 * 1024 ** 3, '150 GB'],
  ])('%p bytes are %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
