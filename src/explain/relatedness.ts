import { tokenize } from '../features/tokenize';
import type { SparseTfIdf } from '../features/sparse-tfidf';
import type { Evidence, Item } from '../shared/types';
import { BestK } from '../util/best-k';

/** How many nearest items count as related (by text, and by the pack's co-purchase lists). */
export const RELATED_NEIGHBOURS = 50;

export interface RelatednessSources {
  items: readonly Item[];
  rowOf: (id: string) => number | undefined;
  /** The catalog's exact TF-IDF vectors (title, category, brand, description, price band). */
  text: () => SparseTfIdf;
  /** A row's neighbours in the pack's collaborative item–item lists (empty without a pack). */
  collaborative: (row: number) => ReadonlySet<number>;
  /** A query's best lexical matches (rows). */
  queryMatches: (query: string) => readonly { row: number }[];
}

/**
 * Whether a piece of evidence relates to a recommended item, so that a reason may cite it: a
 * history item among the item's nearest by text or in the pack's co-purchase lists (either way
 * round); a search whose words the item's text holds, or among whose best matches it is. An
 * influential but unrelated piece (a colliding word, a popular item) is never cited.
 */
export class Relatedness {
  private readonly nearText = new Map<number, Set<number>>();

  constructor(private readonly sources: RelatednessSources) {}

  related(target: number, evidence: Evidence): boolean {
    if (evidence.kind === 'search') return this.queryRelated(target, evidence.query);
    const row = this.sources.rowOf(evidence.itemId);
    if (row === undefined || row === target) return false;
    return this.nearestByText(target).has(row) || this.nearestByText(row).has(target) || this.sources.collaborative(target).has(row) || this.sources.collaborative(row).has(target);
  }

  private queryRelated(target: number, query: string): boolean {
    const item = this.sources.items[target]!;
    const words = new Set(tokenize([item.title, ...(item.category ?? []), item.brand ?? ''].join(' ')));
    if (tokenize(query).some((w) => words.has(w))) return true;
    return this.sources.queryMatches(query).slice(0, RELATED_NEIGHBOURS).some((m) => m.row === target);
  }

  private nearestByText(row: number): Set<number> {
    let near = this.nearText.get(row);
    if (!near) {
      const cosines = this.sources.text().cosineRow(row);
      const best = new BestK(RELATED_NEIGHBOURS);
      for (let r = 0; r < cosines.length; r++) if (r !== row && cosines[r]! > 0) best.push(cosines[r]!, r);
      near = new Set(best.take().ids);
      if (this.nearText.size > 2048) this.nearText.clear();
      this.nearText.set(row, near);
    }
    return near;
  }
}
