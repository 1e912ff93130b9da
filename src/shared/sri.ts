/** A Subresource-Integrity value: `sha256-` (or sha384/sha512) and the base64 digest; several may be space-separated. */
export const SRI_PATTERN = /^\s*(sha(256|384|512)-[A-Za-z0-9+/]+={0,2})(\s+sha(256|384|512)-[A-Za-z0-9+/]+={0,2})*\s*$/;
