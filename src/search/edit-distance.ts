/**
 * Optimal-string-alignment distance (Levenshtein plus swaps of two neighbouring letters, each
 * costing 1: "filamnet" is 1 from "filament"), or `max + 1` as soon as it must exceed `max`.
 * Reuses module-level rows: not re-entrant, which plain single-threaded callers never are.
 */
let prev2 = new Int32Array(64);
let prev = new Int32Array(64);
let cur = new Int32Array(64);

export function boundedEditDistance(a: string, b: string, max: number): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  if (m + 1 > cur.length) {
    prev2 = new Int32Array(2 * (m + 1));
    prev = new Int32Array(2 * (m + 1));
    cur = new Int32Array(2 * (m + 1));
  }
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      const cost = ai === bj ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) d = Math.min(d, (prev2[j - 2] as number) + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[m] as number;
  return d > max ? max + 1 : d;
}
