/** FNV-1a's 32-bit offset basis and prime. */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/**
 * FNV-1a, 32 bit: the one string hash (feature hashing, fingerprints, seeded stream labels).
 * Pass the previous result as `hash` to go on hashing a stream of strings.
 */
export function fnv1a(text: string, hash: number = FNV_OFFSET, prime: number = FNV_PRIME): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), prime);
  return h >>> 0;
}

/** FNV-1a in two lanes (the second with another multiplier) over numbers and strings: a 64-bit data fingerprint. */
export class Fingerprint {
  private a = FNV_OFFSET;
  private b = FNV_PRIME ^ 0x5bd1e995;

  /** Adds one value; values are separated, so ('ab', 'c') and ('a', 'bc') differ. */
  add(value: number | string): this {
    const text = `${typeof value === 'number' ? String(value) : value},`;
    this.a = fnv1a(text, this.a);
    this.b = fnv1a(text, this.b, FNV_PRIME + 2);
    return this;
  }

  digest(): string {
    return this.a.toString(16).padStart(8, '0') + this.b.toString(16).padStart(8, '0');
  }
}
