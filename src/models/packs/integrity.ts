import { LocalrecError } from '../../shared/errors';
import { SRI_PATTERN } from '../../shared/sri';

/** The pack files whose SHA-256 the manifest carries (`manifest.files`); the manifest itself is checked by `integrity`. */
export const HASHED_PACK_FILES = ['model.json', 'items.json', 'weights.bin'] as const;
export type HashedPackFile = (typeof HASHED_PACK_FILES)[number];

const ALGORITHMS: Record<string, string> = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };


function subtle(): SubtleCrypto | null {
  return (globalThis.crypto as Crypto | undefined)?.subtle ?? null;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** `sha256-…` of `data` (SubtleCrypto, in the worker as in Node). @throws LocalrecError MODEL_INVALID without SubtleCrypto */
export async function sriOf(data: ArrayBuffer | Uint8Array | string, algorithm: 'sha256' | 'sha384' | 'sha512' = 'sha256'): Promise<string> {
  const crypto = subtle();
  if (!crypto) throw new LocalrecError('MODEL_INVALID', 'Pack integrity cannot be checked here: SubtleCrypto needs a secure context (https or localhost).');
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data instanceof Uint8Array ? data : new Uint8Array(data);
  const digest = await crypto.digest(ALGORITHMS[algorithm]!, bytes as Uint8Array<ArrayBuffer>);
  return `${algorithm}-${base64(new Uint8Array(digest))}`;
}

/** Whether `data` matches one of the space-separated SRI values in `expected`. */
export async function matchesSri(data: ArrayBuffer | Uint8Array | string, expected: string): Promise<boolean> {
  for (const value of expected.trim().split(/\s+/)) {
    const algorithm = value.slice(0, value.indexOf('-')) as 'sha256' | 'sha384' | 'sha512';
    if (!(algorithm in ALGORITHMS)) continue;
    if ((await sriOf(data, algorithm)) === value) return true;
  }
  return false;
}

/**
 * Checks a pack's files against the hashes its manifest carries and, when the store gave one,
 * the manifest against `integrity`. Returns 'verified', or 'unverified' for a pack built without
 * hashes (and no `integrity` asked for).
 * @param what the pack's name in messages ("model pack", "reasons pack")
 * @throws LocalrecError MODEL_INVALID on any mismatch, or when `integrity` is asked for and cannot be checked
 */
export async function verifyPack(
  raw: { manifest: string } & Record<HashedPackFile, ArrayBuffer | Uint8Array | string>,
  manifest: unknown,
  integrity: string | undefined,
  what: string,
): Promise<'verified' | 'unverified'> {
  const hashes = (manifest as { files?: Partial<Record<HashedPackFile, unknown>> } | null)?.files;
  const expected = HASHED_PACK_FILES.map((file) => hashes?.[file]);
  const valid = (value: unknown): value is string => typeof value === 'string' && SRI_PATTERN.test(value);
  // Every digest is asked for at once: SubtleCrypto computes them off this thread while the
  // caller goes on (a pack is decoded meanwhile), instead of one after another between its tasks.
  const [manifestMatches, ...filesMatch] = await Promise.all([
    integrity !== undefined ? matchesSri(raw.manifest, integrity) : true,
    ...HASHED_PACK_FILES.map((file, f) => (hashes && valid(expected[f]) ? matchesSri(raw[file], expected[f]) : false)),
  ]);
  if (!manifestMatches) {
    throw new LocalrecError('MODEL_INVALID', `The ${what}'s manifest.json does not match the integrity value the store gave.`);
  }
  if (!hashes) {
    if (integrity !== undefined) throw new LocalrecError('MODEL_INVALID', `The ${what}'s manifest carries no file hashes, so its integrity cannot be checked.`);
    return 'unverified';
  }
  HASHED_PACK_FILES.forEach((file, f) => {
    if (!valid(expected[f])) throw new LocalrecError('MODEL_INVALID', `The ${what}'s manifest has no valid hash for ${file}.`);
    if (!filesMatch[f]) throw new LocalrecError('MODEL_INVALID', `The ${what}'s ${file} does not match its SHA-256 in manifest.json (tampered or damaged).`);
  });
  return 'verified';
}
