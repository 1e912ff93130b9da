import { shortTitle } from '../explain/template-reason';
import type { SimilarOptions, Item } from '../shared/types';
import type { WidgetRow } from './item-view';
import { LocalrecListElement } from './list-element';
import { similarReason } from './similar-reason';
import type { WidgetRecommender } from './types';
import { whyLines, type WhyLine } from './why-lines';

/**
 * `<localrec-similar item-id="…">`: "Similar items" to one product, by content. Same attributes
 * as `<localrec-recommendations>` (default `k` 8) plus `item-id`; without it, the widget waits.
 * The `options` property passes similar()'s merchant rules (filter, boost, maxPerCategory…).
 * Set the `item` property to the product itself to have reasons say what they share with it
 * ("Same brand (3M) and category").
 * @example
 * <localrec-similar item-id="B0000223UV" layout="grid" href="/product/{id}"></localrec-similar>
 */
export class LocalrecSimilarElement extends LocalrecListElement {
  static override get observedAttributes(): string[] {
    return [...LocalrecListElement.listAttributes, 'item-id'];
  }

  protected readonly defaultHeading = 'Similar items';
  protected readonly defaultK = 8;
  protected readonly defaultEmptyText = 'No similar items found.';
  #options: Omit<SimilarOptions, 'k'> = {};

  /**
   * Merchant rules of every call this widget makes (filter, boost, maxPerCategory, variants, pin).
   * @example el.options = { filter: { excludeIds: idsShownAbove } };
   */
  get options(): Omit<SimilarOptions, 'k'> {
    return this.#options;
  }
  set options(value: Omit<SimilarOptions, 'k'> | null) {
    this.#options = value ?? {};
    if (this.isConnected) this.scheduleRefresh();
  }
  #item: Item | null = null;

  /** The product the list is about: `item-id`. */
  get itemId(): string | null {
    return this.getAttribute('item-id') || null;
  }
  set itemId(value: string | null) {
    if (value) this.setAttribute('item-id', value);
    else this.removeAttribute('item-id');
  }

  /**
   * The product itself (optional): reasons then name what each similar item shares with it.
   * Setting it also sets `item-id`.
   * @example el.item = product; // { id, title, brand, category, … }
   */
  get item(): Item | null {
    return this.#item;
  }
  set item(value: Item | null) {
    this.#item = value ?? null;
    // A new id refreshes through the attribute; the same id refreshes here (the reasons change).
    if (value && value.id !== this.itemId) this.itemId = value.id;
    else if (this.isConnected) this.scheduleRefresh();
  }

  protected override contentKey(): string {
    return this.itemId ?? '';
  }

  #source(): Item | null {
    return this.#item && this.#item.id === this.itemId ? this.#item : null;
  }

  protected fetchRows(recommender: WidgetRecommender, k: number): Promise<WidgetRow[]> | null {
    const id = this.itemId;
    if (!id) return null;
    return recommender.similar(id, { ...this.#options, k }).then((recs) =>
      recs.map((rec) => ({ item: rec.item, reason: similarReason(rec.item, this.#source()), canExplain: true })),
    );
  }

  protected async explainRow(recommender: WidgetRecommender, row: WidgetRow): Promise<WhyLine[]> {
    const source = this.#source();
    const first: WhyLine = {
      strength: 'Strongest reason',
      text: source ? `It is close to “${shortTitle(source.title)}” in its title and description.` : 'It is close to this item in its title and description.',
    };
    const shared = similarReason(row.item, source);
    const lines = [first, ...(shared.startsWith('Same') ? [{ strength: 'Also', text: `${shared}.` } satisfies WhyLine] : [])];
    // What the shopper did that also points to it (their history), ranked below the content match;
    // what it shares with that history is left out when it shares it with this product already.
    const history = whyLines(await recommender.explain(row.item.id)).filter((line) => line.strength !== null && !(lines.length > 1 && line.text.startsWith('Same ')));
    return [...lines, ...history.map((line) => ({ ...line, strength: line.strength === 'Strongest reason' ? 'Also' : line.strength }))];
  }
}
