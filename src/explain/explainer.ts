import type { Evidence, Explanation, Item, StoredEvent } from '../shared/types';
import type { HybridScorer } from '../rank/hybrid-scorer';
import { normalisedQuery, type WeightedHistory } from '../rank/profile-weights';
import { catalogLeaves } from '../catalog/category-names';
import { sharedAttributes } from './shared-attributes';
import type { Relatedness } from './relatedness';
import { describeEvidence, templateReason } from './template-reason';
import { fnv1a } from '../util/hash';

/** How many pieces of evidence an explanation lists. */
const MAX_EVIDENCE = 5;
const STRENGTH = { view: 1, cart: 2, purchase: 3 } as const;

/** Every piece of the history with its influence on one target (negative ones included). */
interface Influences {
  target: number;
  score: number;
  all: Evidence[];
}

/**
 * Leave-one-out evidence: each piece of the history (an item, a search) is removed in turn, and
 * its influence on an item is the drop in that item's score — the same score recommend() ranks
 * by, whichever models produce it. All the reduced histories are scored in one batch.
 */
export class Explainer {
  constructor(
    private readonly items: readonly Item[],
    /** The engine's current scorer (it changes when a model is trained or loaded). */
    private readonly scorer: () => HybridScorer,
    private readonly rowOf: (id: string) => number | undefined,
    /** Which evidence a reason may cite (relatedness.ts); without it, all of it. */
    private readonly relatedness: Relatedness | null = null,
  ) {}

  /** Category leaves as a shopper reads them, for reasons (built on the first explanation). */
  private leaves: ((item: Item) => string | null) | null = null;
  private readonly categoryName = (item: Item): string | null => (this.leaves ??= catalogLeaves(this.items))(item);

  private async influences(history: WeightedHistory, events: readonly StoredEvent[], targets: readonly number[]): Promise<Influences[]> {
    await this.relatedness?.prepare();
    const itemUnits = [...history.items.keys()];
    // One unit per query, however often it was searched (a shopper searching "digital caliper" again
    // to open each result): left out together, so its influence is not split among its repeats and
    // the reason never names it twice. Worded as last typed.
    const lastTyped = new Map(history.queries.map((q) => [normalisedQuery(q.query), q.query]));
    const searchUnits = [...lastTyped.keys()];
    // History 0 is the whole history; history 1 + u leaves unit u out (items first, then searches).
    const reduced: WeightedHistory[] = [
      ...itemUnits.map((row) => ({ items: new Map([...history.items].filter(([r]) => r !== row)), queries: history.queries })),
      ...searchUnits.map((unit) => ({ items: history.items, queries: history.queries.filter((q) => normalisedQuery(q.query) !== unit) })),
    ];
    const scores = await this.scorer().scoreHistories([history, ...reduced]);

    const strongest = new Map<number, 'view' | 'cart' | 'purchase'>();
    for (const event of events) {
      if (event.type === 'search' || event.itemId === undefined) continue;
      const row = this.rowOf(event.itemId);
      const known = row === undefined ? undefined : strongest.get(row);
      if (row !== undefined && (!known || STRENGTH[event.type] > STRENGTH[known])) strongest.set(row, event.type);
    }
    return targets.map((target) => {
      const drop = (u: number): number => scores[0]![target]! - scores[u + 1]![target]!;
      const all: Evidence[] = [
        ...itemUnits.map((row, i): Evidence => ({
          kind: 'item',
          itemId: this.items[row]!.id,
          title: this.items[row]!.title,
          event: strongest.get(row) ?? 'view',
          influence: drop(i),
        })),
        ...searchUnits.map((unit, j): Evidence => ({ kind: 'search', query: lastTyped.get(unit)!, influence: drop(itemUnits.length + j) })),
      ];
      return { target, score: scores[0]![target]!, all };
    });
  }

  private toExplanation({ target, score, all }: Influences): Explanation {
    // Only what relates to the item is evidence for it: an influential but unrelated piece of the
    // history (a colliding word, a popular item) would tell the shopper something false.
    const related = this.relatedness ? all.filter((e) => this.relatedness!.related(target, e)) : all;
    const evidence = strongestFirst(related);
    const item = this.items[target]!;
    const evidenceItems = evidence.flatMap((e) => (e.kind === 'item' ? [this.items[this.rowOf(e.itemId)!]!] : []));
    const shared = sharedAttributes(item, evidenceItems, this.categoryName);
    // The wording follows the item id: rows of a list read differently, one item always the same.
    return { itemId: item.id, score, evidence, shared, reason: templateReason(evidence, shared, all.length > 0, fnv1a(item.id)) };
  }

  /** Explanations of several items for one history, in one batch. */
  async explain(history: WeightedHistory, events: readonly StoredEvent[], targets: readonly number[]): Promise<Explanation[]> {
    return (await this.influences(history, events, targets)).map((i) => this.toExplanation(i));
  }

  /** "Why A rather than B": the explanation of A, with the evidence that favours each side. */
  async explainVersus(history: WeightedHistory, events: readonly StoredEvent[], a: number, b: number): Promise<Explanation> {
    const [forA, forB] = await this.influences(history, events, [a, b]);
    const explanation = this.toExplanation(forA!);
    // Influence on A minus influence on B, per piece of history (same order in both lists).
    const margin = forA!.all.map((e, i) => ({ ...e, influence: e.influence - forB!.all[i]!.influence }));
    const favours = strongestFirst(margin);
    const against = strongestFirst(margin.map((e) => ({ ...e, influence: -e.influence })));
    const aWins = forA!.score >= forB!.score;
    const top = aWins ? favours[0] : against[0];
    const reason = top
      ? `${aWins ? 'This item' : 'The other item'} fits your history better, mostly because ${describeEvidence(top)}.`
      : 'Your history does not favour either item.';
    explanation.versus = { itemId: this.items[b]!.id, score: forB!.score, favours, against, reason };
    return explanation;
  }
}

function strongestFirst(evidence: readonly Evidence[]): Evidence[] {
  return evidence.filter((e) => e.influence > 1e-6).sort((x, y) => y.influence - x.influence).slice(0, MAX_EVIDENCE);
}
