const EMPTY = -1;
const MAX_LOAD = 0.7;

/** Finishes a 32-bit hash so that every input bit moves every output bit (MurmurHash3's fmix32). */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);

  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The values of one unique key among the records of a file, each with the position of the
 * record that holds it, for the duplicate checks of an import.
 *
 * A value is kept as a 96-bit hash in typed arrays, about 23 bytes a value where a Map of
 * strings takes about 90, so that the keys of a file of millions of records stay in tens of
 * megabytes. Two different values share all 96 bits with a chance of about one in 10^16 for a
 * million values; the index takes that as never happening.
 */
export class KeyIndex {
  private capacity = 1024;
  private hashes = new Uint32Array(this.capacity * 3);
  private positions = new Int32Array(this.capacity).fill(EMPTY);
  private h1 = 0;
  private h2 = 0;
  private h3 = 0;
  size = 0;

  private hash(value: string): void {
    let h1 = 0x811c9dc5 ^ value.length;
    let h2 = 0x9747b28c;
    let h3 = 0x2545f491;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h3 = Math.imul(h3 + c, 0x27d4eb2d);
    }
    this.h1 = mix(h1);
    this.h2 = mix(h2);
    this.h3 = mix(h3 ^ value.length);
  }

  /** The slot of the current hash: where it is stored, or the empty slot where it would go. */
  private slot(): number {
    const mask = this.capacity - 1;
    for (let slot = this.h1 & mask; ; slot = (slot + 1) & mask) {
      if (this.positions[slot] === EMPTY) {
        return slot;
      }
      const at = slot * 3;
      const { hashes } = this;
      if (hashes[at] === this.h1 && hashes[at + 1] === this.h2 && hashes[at + 2] === this.h3) {
        return slot;
      }
    }
  }

  /** The position of the record that holds the value, or undefined. */
  get(value: string): number | undefined {
    this.hash(value);
    const position = this.positions[this.slot()];

    return position === EMPTY ? undefined : position;
  }

  has(value: string): boolean {
    return this.get(value) !== undefined;
  }

  /** Adds the value with its record's position, unless the index holds it already. */
  add(value: string, position: number): void {
    if (this.size + 1 > this.capacity * MAX_LOAD) {
      this.grow();
    }
    this.hash(value);
    const slot = this.slot();
    if (this.positions[slot] !== EMPTY) {
      return;
    }
    this.store(slot, position);
    this.size++;
  }

  private store(slot: number, position: number): void {
    this.positions[slot] = position;
    this.hashes[slot * 3] = this.h1;
    this.hashes[slot * 3 + 1] = this.h2;
    this.hashes[slot * 3 + 2] = this.h3;
  }

  private grow(): void {
    const { hashes, positions } = this;
    this.capacity *= 2;
    this.hashes = new Uint32Array(this.capacity * 3);
    this.positions = new Int32Array(this.capacity).fill(EMPTY);
    for (let old = 0; old < positions.length; old++) {
      if (positions[old] === EMPTY) {
        continue;
      }
      this.h1 = hashes[old * 3];
      this.h2 = hashes[old * 3 + 1];
      this.h3 = hashes[old * 3 + 2];
      this.store(this.slot(), positions[old]);
    }
  }
}
