import { tokenize } from '../features/tokenize';
import { smoothIdf } from '../features/tf-idf';
import type { Evidence, Item } from '../shared/types';
import { BestK, clearOfBoundaryTie } from '../util/best-k';

/** How many nearest items count as related (by text, and by the pack's co-purchase lists). */
export const RELATED_NEIGHBOURS = 50;

export interface RelatednessSources {
  items: readonly Item[];
  rowOf: (id: string) => number | undefined;
  /** A row's neighbours in the pack's collaborative item–item lists (empty without a pack). */
  collaborative: (row: number) => ReadonlySet<number>;
  /** A query's matches that are evidence of it, with their place among all its hits (QueryEvidence.matches). */
  queryMatches: (query: string) => readonly { row: number; rank: number }[];
  /** Loads what `collaborative` needs, before a batch of explanations. */
  prepare?: () => Promise<void>;
}

/**
 * Whether a piece of evidence relates to a recommended item, so that a reason may cite it: a
 * history item among the item's 50 nearest by the TF-IDF of title, category and brand, or in the
 * pack's co-purchase list of the item (cosine of buyer sets); a search whose words the item's
 * text holds, or among whose 50 best matches it is (shared/EVALUATION.md `reasons-evidence`). An
 * influential but unrelated piece (a colliding word, a popular item) is never cited.
 */
export class Relatedness {
  private readonly nearText = new Map<number, Set<number>>();
  private vectors: { rows: Map<number, number>[]; postings: Map<number, { row: number; w: number }[]> } | null = null;

  constructor(private readonly sources: RelatednessSources) {}

  prepare(): Promise<void> {
    return this.sources.prepare?.() ?? Promise.resolve();
  }

  related(target: number, evidence: Evidence): boolean {
    if (evidence.kind === 'search') return this.queryRelated(target, evidence.query);
    const row = this.sources.rowOf(evidence.itemId);
    if (row === undefined || row === target) return false;
    return this.nearestByText(target).has(row) || this.sources.collaborative(target).has(row);
  }

  private queryRelated(target: number, query: string): boolean {
    const item = this.sources.items[target]!;
    const words = new Set(tokenize([item.title, ...(item.category ?? []), item.brand ?? ''].join(' ')));
    if (tokenize(query).some((w) => words.has(w))) return true;
    // Among the query's best hits (the `reasons-evidence` protocol's rule), and evidence of it (query-evidence.ts).
    return this.sources.queryMatches(query).some((m) => m.row === target && m.rank < RELATED_NEIGHBOURS);
  }

  /** Unit TF-IDF vectors of title + category + brand words (raw counts × smooth idf), with postings; built once. */
  private textVectors(): NonNullable<Relatedness['vectors']> {
    if (this.vectors) return this.vectors;
    const ids = new Map<string, number>();
    const docs = this.sources.items.map((item) => {
      const counts = new Map<number, number>();
      for (const token of tokenize([item.title, ...(item.category ?? []), item.brand ?? ''].join(' '))) {
        let id = ids.get(token);
        if (id === undefined) ids.set(token, (id = ids.size));
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    });
    const df = new Float64Array(ids.size);
    for (const d of docs) for (const t of d.keys()) df[t]! += 1;
    const postings = new Map<number, { row: number; w: number }[]>();
    const rows = docs.map((d, row) => {
      let norm = 0;
      const v = new Map<number, number>();
      for (const [t, c] of d) {
        const w = c * smoothIdf(docs.length, df[t]!);
        v.set(t, w);
        norm += w * w;
      }
      norm = Math.sqrt(norm) || 1;
      for (const [t, w] of v) {
        v.set(t, w / norm);
        (postings.get(t) ?? postings.set(t, []).get(t)!).push({ row, w: w / norm });
      }
      return v;
    });
    this.vectors = { rows, postings };
    return this.vectors;
  }

  private nearestByText(row: number): Set<number> {
    let near = this.nearText.get(row);
    if (!near) {
      const { rows, postings } = this.textVectors();
      const dot = new Map<number, number>();
      for (const [t, w] of rows[row]!) for (const p of postings.get(t) ?? []) if (p.row !== row) dot.set(p.row, (dot.get(p.row) ?? 0) + w * p.w);
      // One more than needed, to see whether the 50th place is shared.
      const best = new BestK(RELATED_NEIGHBOURS + 1);
      for (const [r, d] of dot) if (d > 0) best.push(d, r);
      const { ids, scores } = best.take();
      near = new Set(clearOfBoundaryTie(ids, scores, RELATED_NEIGHBOURS));
      if (this.nearText.size > 2048) this.nearText.clear();
      this.nearText.set(row, near);
    }
    return near;
  }
}

/** Relatedness over a serving catalog: its text, the pack's co-purchase lists and the search index. */
export function catalogRelatedness(
  items: readonly Item[],
  rowOf: (id: string) => number | undefined,
  collaborative: { neighboursOf(row: number): Set<number>; prepareNeighbours(): Promise<void> } | null,
  queries: { matches(query: string): readonly { row: number; rank: number }[] },
): Relatedness {
  return new Relatedness({
    items,
    rowOf,
    collaborative: (row) => collaborative?.neighboursOf(row) ?? new Set(),
    prepare: () => collaborative?.prepareNeighbours() ?? Promise.resolve(),
    queryMatches: (query) => queries.matches(query),
  });
}
