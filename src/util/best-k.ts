/**
 * Streaming selection of the k best (id, score) pairs with a size-k min-heap, O(n log k): higher
 * score wins; equal scores go to the lower tie rank (`tieRank[id]`, or the id itself). The one
 * top-k primitive of the project: evaluation ranking, search, the VAE's early stopping and the
 * worker's CPU top-k all use it, so they order ties the same way.
 */
export class BestK {
  private readonly ids: Int32Array;
  private readonly scores: Float64Array;
  private count = 0;

  constructor(
    readonly k: number,
    private readonly tieRank: Int32Array | null = null,
  ) {
    this.ids = new Int32Array(Math.max(0, k));
    this.scores = new Float64Array(Math.max(0, k));
  }

  /** Whether (score, id) ranks below (score2, id2). */
  private worse(sa: number, ia: number, sb: number, ib: number): boolean {
    if (sa !== sb) return sa < sb;
    const t = this.tieRank;
    return t ? t[ia]! > t[ib]! : ia > ib;
  }

  /**
   * The lowest score kept once k are kept (NaN before, which no score is at or below): a caller
   * pushing ids in increasing order without tie ranks can skip every score at or below it.
   */
  get floor(): number {
    return this.count < this.k || this.k === 0 ? Number.NaN : this.scores[0]!;
  }

  /** Whether `push(score, id)` would keep it (lets a caller skip costly checks for losers). */
  wouldKeep(score: number, id: number): boolean {
    return this.count < this.k || (this.k > 0 && this.worse(this.scores[0]!, this.ids[0]!, score, id));
  }

  push(score: number, id: number): void {
    const { ids, scores } = this;
    if (this.count < this.k) {
      let at = this.count++;
      scores[at] = score;
      ids[at] = id;
      while (at > 0) {
        const p = (at - 1) >> 1;
        if (!this.worse(scores[at]!, ids[at]!, scores[p]!, ids[p]!)) break;
        this.swap(p, at);
        at = p;
      }
    } else if (this.k > 0 && this.worse(scores[0]!, ids[0]!, score, id)) {
      scores[0] = score;
      ids[0] = id;
      this.siftDown(0);
    }
  }

  private swap(a: number, b: number): void {
    const s = this.scores[a]!;
    const i = this.ids[a]!;
    this.scores[a] = this.scores[b]!;
    this.ids[a] = this.ids[b]!;
    this.scores[b] = s;
    this.ids[b] = i;
  }

  private siftDown(at: number): void {
    const { ids, scores } = this;
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let m = at;
      if (l < this.count && this.worse(scores[l]!, ids[l]!, scores[m]!, ids[m]!)) m = l;
      if (r < this.count && this.worse(scores[r]!, ids[r]!, scores[m]!, ids[m]!)) m = r;
      if (m === at) return;
      this.swap(m, at);
      at = m;
    }
  }

  /** The kept pairs, best first. Empties the selection. */
  take(): { ids: Int32Array; scores: Float64Array } {
    const n = this.count;
    const ids = new Int32Array(n);
    const scores = new Float64Array(n);
    for (let pos = n - 1; pos >= 0; pos--) {
      ids[pos] = this.ids[0]!;
      scores[pos] = this.scores[0]!;
      this.count--;
      this.scores[0] = this.scores[this.count]!;
      this.ids[0] = this.ids[this.count]!;
      this.siftDown(0);
    }
    return { ids, scores };
  }
}

/** Scores this close count as one tie (the same cosine summed in another order differs in the last bits). */
const TIE_TOLERANCE = 1e-6;

/**
 * The first `k` ids of a best-first list, less every entry tied with the k-th when that tie may
 * run past place k: which of tied items makes "the k nearest" is arbitrary, so a caller that
 * claims "among the k nearest" claims none of them. `ids` may hold a (k+1)-th entry, which tells;
 * without one, a tie at the edge is assumed to run on.
 */
export function clearOfBoundaryTie(ids: ArrayLike<number>, scores: ArrayLike<number>, k: number): number[] {
  const n = Math.min(k, ids.length);
  const out = Array.from({ length: n }, (_, i) => ids[i]!);
  if (n < k) return out; // fewer than k candidates: every one is among the k nearest
  const edge = scores[n - 1]!;
  const tied = (s: number) => Math.abs(s - edge) <= TIE_TOLERANCE * Math.max(1, Math.abs(edge));
  if (ids.length > k && !tied(scores[k]!)) return out;
  return out.filter((_, i) => !tied(scores[i]!));
}
