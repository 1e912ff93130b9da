import type { Recommender } from '../shared/contract';

/** What every change notification says: which method changed what recommend() returns. */
export interface RecommenderChange {
  method: string;
}

/**
 * What a widget needs from a recommender: the handle `createRecommender()` returns (or any object
 * with the same methods, such as a test double). `onChange` is used when present: with it, widgets
 * refresh by themselves after `track()`, `updateCatalog()`, `forget()`…; without it, call
 * `refresh()` on the widget. `boughtTogether` is needed by `<localrec-bought-together>` only.
 */
export type WidgetRecommender = Pick<Recommender, 'recommend' | 'similar' | 'explain'> & Partial<Pick<Recommender, 'boughtTogether'>> & {
  onChange?: (listener: (change: RecommenderChange) => void) => () => void;
};

/** `detail` of the `localrec-select` event a widget fires when the shopper opens an item. */
export interface SelectDetail {
  itemId: string;
  item: import('../shared/types').Item;
  /** 0-based place in the list. */
  position: number;
  /** The element's tag name, e.g. `localrec-similar`. */
  list: string;
}

/** `detail` of the `localrec-render` event, fired after every render of a list. */
export interface RenderDetail {
  /** Items shown (0: the empty state). */
  count: number;
  itemIds: string[];
}
