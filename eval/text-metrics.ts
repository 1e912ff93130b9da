/**
 * Text metrics of the `reasons` protocol over word tokens: corpus BLEU (Papineni et al. 2002, one
 * reference, uniform weights, brevity penalty), ROUGE-N and ROUGE-L F1 (Lin 2004, averaged over
 * sentences) and USR (share of distinct outputs, Li et al. 2021).
 */

function ngrams(tokens: readonly string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join('\u0001');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** Clipped n-gram matches and the candidate's n-gram count. */
function overlap(candidate: readonly string[], reference: readonly string[], n: number): { match: number; total: number; refTotal: number } {
  const c = ngrams(candidate, n);
  const r = ngrams(reference, n);
  let match = 0;
  for (const [g, k] of c) match += Math.min(k, r.get(g) ?? 0);
  return { match, total: Math.max(candidate.length - n + 1, 0), refTotal: Math.max(reference.length - n + 1, 0) };
}

/**
 * Corpus BLEU-N: geometric mean of the clipped n-gram precisions 1..N (summed over the corpus),
 * times the brevity penalty exp(1 − r/c) when the candidates are shorter than the references.
 * 0 when any precision is 0 (no smoothing).
 */
export function corpusBleu(candidates: readonly string[][], references: readonly string[][], maxN: number): number {
  let logSum = 0;
  for (let n = 1; n <= maxN; n++) {
    let match = 0;
    let total = 0;
    candidates.forEach((c, i) => {
      const o = overlap(c, references[i]!, n);
      match += o.match;
      total += o.total;
    });
    if (match === 0 || total === 0) return 0;
    logSum += Math.log(match / total) / maxN;
  }
  const c = candidates.reduce((s, t) => s + t.length, 0);
  const r = references.reduce((s, t) => s + t.length, 0);
  const bp = c >= r ? 1 : c === 0 ? 0 : Math.exp(1 - r / c);
  return bp * Math.exp(logSum);
}

function f1(match: number, candidateTotal: number, referenceTotal: number): number {
  if (match === 0 || candidateTotal === 0 || referenceTotal === 0) return 0;
  const p = match / candidateTotal;
  const r = match / referenceTotal;
  return (2 * p * r) / (p + r);
}

/** ROUGE-N F1 of one candidate against one reference. */
export function rougeN(candidate: readonly string[], reference: readonly string[], n: number): number {
  const o = overlap(candidate, reference, n);
  return f1(o.match, o.total, o.refTotal);
}

/** Length of the longest common subsequence. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const row = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(up, row[j - 1]!);
      diag = up;
    }
  }
  return row[b.length]!;
}

/** ROUGE-L F1 (β = 1) of one candidate against one reference. */
export function rougeL(candidate: readonly string[], reference: readonly string[]): number {
  return f1(lcsLength(candidate, reference), candidate.length, reference.length);
}

/** Share of distinct outputs (unique sentence ratio). */
export function uniqueSentenceRatio(outputs: readonly string[]): number {
  return outputs.length === 0 ? 0 : new Set(outputs).size / outputs.length;
}

export const REASON_METRICS = ['BLEU-1', 'BLEU-4', 'ROUGE-1', 'ROUGE-2', 'ROUGE-L', 'USR', 'faithfulness'] as const;

/** Every metric of the protocol but faithfulness (which needs the evidence), as fractions. */
export function textMetrics(candidates: readonly string[][], references: readonly string[][], outputs: readonly string[]): Record<string, number> {
  const mean = (f: (c: readonly string[], r: readonly string[]) => number): number =>
    candidates.length === 0 ? 0 : candidates.reduce((s, c, i) => s + f(c, references[i]!), 0) / candidates.length;
  return {
    'BLEU-1': corpusBleu(candidates, references, 1),
    'BLEU-4': corpusBleu(candidates, references, 4),
    'ROUGE-1': mean((c, r) => rougeN(c, r, 1)),
    'ROUGE-2': mean((c, r) => rougeN(c, r, 2)),
    'ROUGE-L': mean(rougeL),
    USR: uniqueSentenceRatio(outputs),
  };
}
