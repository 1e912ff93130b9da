// The TF-IDF weighting every text vector of the project uses (hashed and exact vectors, the
// evaluation's content-kNN, the research bridges), so their figures stay comparable.

/** Smooth inverse document frequency ln((n + 1) / (df + 1)) + 1 (scikit-learn's default); df 0 for unseen words. */
export function smoothIdf(n: number, df: number): number {
  return Math.log((n + 1) / (df + 1)) + 1;
}

/** Sublinear term frequency: 1 + ln(tf) for tf > 1, else tf. */
export function sublinearTf(tf: number): number {
  return tf > 1 ? 1 + Math.log(tf) : tf;
}
