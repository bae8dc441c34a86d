import { KeyIndex } from '../src/services/import/key-index';

describe('the key index of an import', () => {
  it('keeps the position of the first record of each value, through growth', () => {
    const index = new KeyIndex();
    const values = Array.from({ length: 20_000 }, (_, i) => `user_${i}@example.com`);
    values.forEach((value, i) => index.add(value, i));
    index.add(values[7], 99);

    expect(index.size).toBe(values.length);
    expect(values.every((value, i) => index.get(value) === i)).toBe(true);
    expect(index.get(values[7])).toBe(7);
  });

  it('tells apart values that differ in one character, in length or in case', () => {
    const index = new KeyIndex();
    index.add('abc', 0);

    expect(['abd', 'ab', 'abcd', 'ABC', '', 'bac'].map((v) => index.has(v))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(index.has('abc')).toBe(true);
  });
});
