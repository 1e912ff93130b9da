import { shortTitle } from '../explain/template-reason';
import type { BoughtTogetherOptions, Item } from '../shared/types';
import type { WidgetRow } from './item-view';
import { LocalrecListElement } from './list-element';
import type { WidgetRecommender } from './types';
import { whyLines, type WhyLine } from './why-lines';

/** `item-ids="A B"` or `"A,B"`: the ids, in order, without repeats. */
const parseIds = (value: string | null): string[] => [...new Set((value ?? '').split(/[\s,]+/).filter(Boolean))];

/**
 * `<localrec-bought-together item-ids="…">`: "Bought together" with one product (a product page)
 * or several (the cart): what is bought with them, not more of the same (the items themselves and
 * their variants are left out). Same attributes as `<localrec-recommendations>` (default `k` 4)
 * plus `item-ids` (space- or comma-separated); without them, the widget waits. The `options`
 * property passes boughtTogether()'s merchant rules (filter, boost, maxPerCategory…). Set the `items`
 * property to the products themselves to have reasons name them (why? always; the cards too when
 * there are several). Needs a recommender with
 * `boughtTogether()`.
 * @example
 * <localrec-bought-together item-ids="B0000223UV" layout="grid" href="/product/{id}"></localrec-bought-together>
 */
export class LocalrecBoughtTogetherElement extends LocalrecListElement {
  static override get observedAttributes(): string[] {
    return [...LocalrecListElement.listAttributes, 'item-ids'];
  }

  protected readonly defaultHeading = 'Bought together';
  protected readonly defaultK = 4;
  protected readonly defaultEmptyText = 'Nothing is bought with this yet.';
  #options: Omit<BoughtTogetherOptions, 'k'> = {};

  /**
   * Merchant rules of every call this widget makes (filter, boost, maxPerCategory, variants, pin).
   * @example el.options = { filter: { excludeIds: idsShownAbove } };
   */
  get options(): Omit<BoughtTogetherOptions, 'k'> {
    return this.#options;
  }
  set options(value: Omit<BoughtTogetherOptions, 'k'> | null) {
    this.#options = value ?? {};
    if (this.isConnected) this.scheduleRefresh();
  }
  #items: Item[] = [];

  /** The products the list goes with: `item-ids`. */
  get itemIds(): string[] {
    return parseIds(this.getAttribute('item-ids'));
  }
  set itemIds(value: readonly string[] | null) {
    if (value && value.length > 0) this.setAttribute('item-ids', value.join(' '));
    else this.removeAttribute('item-ids');
  }

  /**
   * The products themselves (optional): reasons then name them. Setting it also sets `item-ids`.
   * @example el.items = cart.lines.map((line) => line.product);
   */
  get items(): Item[] {
    return this.#items;
  }
  set items(value: readonly Item[] | null) {
    this.#items = [...(value ?? [])];
    const ids = this.#items.map((item) => item.id);
    // New ids refresh through the attribute; the same ids refresh here (the reasons change).
    if (ids.join(' ') !== this.itemIds.join(' ')) this.itemIds = ids;
    else if (this.isConnected) this.scheduleRefresh();
  }

  protected override contentKey(): string {
    return this.itemIds.join(' ');
  }

  /** The first product the list goes with, when the store gave it. */
  #named(): Item | null {
    const ids = this.itemIds;
    return this.#items.find((item) => item.id === ids[0]) ?? null;
  }

  /** What the list goes with, in words: “X”, “X” and 2 more, these 3 items, this item. */
  #goesWith(): string {
    const named = this.#named();
    const others = this.itemIds.length - 1;
    if (!named) return others > 0 ? `these ${others + 1} items` : 'this item';
    return `“${shortTitle(named.title)}”${others > 0 ? ` and ${others} more` : ''}`;
  }

  /** The reason on each card: short on a product page (the product is right there), named for a cart. */
  #reason(): string {
    return this.itemIds.length === 1 ? 'Goes with this item' : `Goes with ${this.#goesWith()}`;
  }

  protected fetchRows(recommender: WidgetRecommender, k: number): Promise<WidgetRow[]> | null {
    const ids = this.itemIds;
    if (ids.length === 0) return null;
    if (typeof recommender.boughtTogether !== 'function') {
      return Promise.reject(new Error('<localrec-bought-together> needs a recommender with boughtTogether() (localrec with issue #18).'));
    }
    return recommender.boughtTogether(ids, { ...this.#options, k }).then((recs) =>
      recs.map((rec) => ({ item: rec.item, reason: this.#reason(), canExplain: true })),
    );
  }

  protected async explainRow(recommender: WidgetRecommender, row: WidgetRow): Promise<WhyLine[]> {
    const first: WhyLine = {
      strength: 'Strongest reason',
      text: `It is bought with ${this.#goesWith()} in this store, or matches ${this.itemIds.length > 1 ? 'them' : 'it'} by its description.`,
    };
    // What the shopper did that also points to it, below what it goes with (not the brand and
    // category it shares with that history: beside a complement they say little).
    const history = whyLines(await recommender.explain(row.item.id)).filter((line) => line.strength !== null && !line.text.startsWith('Same '));
    return [first, ...history.map((line) => ({ ...line, strength: line.strength === 'Strongest reason' ? 'Also' : line.strength }))];
  }
}
