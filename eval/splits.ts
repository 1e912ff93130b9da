import type { Item } from '../src/shared/types';
import type { Dataset } from './dataset';
import { permutation, rngFor, shuffle } from '../src/util/random';

/**
 * The protocols of shared/EVALUATION.md as pure functions of (dataset, seed). All item lists
 * here are in the split's own column space (`columns[c]` = dataset item index of column c).
 */

/** Held-out users: input history and targets per user (columns), plus their dataset indices. */
export interface HeldOut {
  users: number[];
  inputs: number[][];
  targets: number[][];
}

export interface StrongSplit {
  columns: number[];
  items: Item[];
  trainUsers: number[];
  /** Every (distinct) item of every training user. */
  train: number[][];
  validation: HeldOut;
  test: HeldOut;
  /** Each test user's items in time order, unseen items dropped (cold-users cuts these). */
  testHistories: number[][];
  /** Users with ≥ 5 distinct items, before the split. */
  eligibleUsers: number;
}

/** Users with fewer distinct items take no part in `strong` / `cold-users`. */
export const STRONG_MIN_ITEMS = 5;
/** Shares of users held out (each of validation and test) and of a held-out user's items as targets. */
export const HELDOUT_SHARE = 0.1;
export const TARGET_SHARE = 0.2;
export const COLD_ITEM_SHARE = 0.2;

/** max(1, int(share · n)), the reference's rounding everywhere. */
export function shareOf(n: number, share: number): number {
  return Math.max(1, Math.floor(share * n));
}

/**
 * `strong` (Liang et al. 2018): shuffle users with ≥ 5 distinct items; the last 2·h of the
 * shuffled list become validation then test users (h = max(1, int(0.1·n))); the rest train.
 * Columns are the items seen in training (as in the paper's code). Each held-out user's items are
 * split at random: max(1, int(0.2·n)) targets, the rest input ("fold-in").
 * @throws Error when fewer than 3 users qualify.
 */
export function strongSplit(data: Dataset, seed: number): StrongSplit {
  const eligible: number[] = [];
  data.histories.forEach((h, u) => {
    if (h.length >= STRONG_MIN_ITEMS) eligible.push(u);
  });
  if (eligible.length < 3) throw new Error(`strong needs ≥ 3 users with ≥ ${STRONG_MIN_ITEMS} items; ${data.name} has ${eligible.length}`);
  const users = shuffle(eligible, rngFor(seed, 'strong-users'));
  const h = shareOf(users.length, HELDOUT_SHARE);
  const nTrain = users.length - 2 * h;
  const trainUsers = users.slice(0, nTrain);
  const validationUsers = users.slice(nTrain, nTrain + h);
  const testUsers = users.slice(nTrain + h);

  // Columns: items seen in training, in dataset order.
  const { columns, columnOf } = columnsSeenIn(data.itemIds.length, trainUsers.map((u) => data.histories[u] as Int32Array));
  const mapped = (u: number): number[] => {
    const out: number[] = [];
    for (const i of data.histories[u] as Int32Array) if ((columnOf[i] as number) >= 0) out.push(columnOf[i] as number);
    return out;
  };

  const foldRng = rngFor(seed, 'strong-fold-in');
  const foldIn = (group: number[]): { heldOut: HeldOut; histories: number[][] } => {
    const heldOut: HeldOut = { users: [], inputs: [], targets: [] };
    const histories: number[][] = [];
    for (const u of group) {
      const items = mapped(u);
      if (items.length === 0) continue; // nothing left after dropping unseen items
      const { input, targets } = splitFraction(items, TARGET_SHARE, foldRng);
      heldOut.users.push(u);
      heldOut.inputs.push(input);
      heldOut.targets.push(targets);
      histories.push(items);
    }
    return { heldOut, histories };
  };
  const validation = foldIn(validationUsers).heldOut;
  const test = foldIn(testUsers);
  return {
    columns,
    items: columns.map((i) => data.items[i] as Item),
    trainUsers,
    train: trainUsers.map(mapped),
    validation,
    test: test.heldOut,
    testHistories: test.histories,
    eligibleUsers: eligible.length,
  };
}

/** A random max(1, int(share·n)) of `items` become targets; both parts keep the given order. */
export function splitFraction(items: number[], share: number, rng: () => number): { input: number[]; targets: number[] } {
  const nTargets = shareOf(items.length, share);
  const order = permutation(items.length, rng);
  const isTarget = new Uint8Array(items.length);
  for (let k = 0; k < nTargets; k++) isTarget[order[k] as number] = 1;
  const input: number[] = [];
  const targets: number[] = [];
  items.forEach((item, k) => (isTarget[k] ? targets : input).push(item));
  return { input, targets };
}

/**
 * `cold-users`: the test users of `strong` (same seed ⇒ same users), input = their first k items
 * by time, targets = all the rest. Users with no more than k items have no targets and are left out.
 */
export function coldUsersHeldOut(split: StrongSplit, k: number): HeldOut {
  const out: HeldOut = { users: [], inputs: [], targets: [] };
  split.testHistories.forEach((items, t) => {
    if (items.length <= k) return;
    out.users.push(split.test.users[t] as number);
    out.inputs.push(items.slice(0, k));
    out.targets.push(items.slice(k));
  });
  return out;
}

export interface LooSplit {
  columns: number[];
  items: Item[];
  /** One row per user: all but the last two items (users with < 3 items: everything). */
  train: number[][];
  /** Input = training items, target = the second-to-last item. */
  validation: HeldOut;
  /** Input = training items + the validation item, target = the last item. */
  test: HeldOut;
}

/** Users with fewer distinct items only train in `loo` (they have no validation/test item). */
export const LOO_MIN_ITEMS = 3;

/**
 * `loo` (SASRec / S3-Rec): per user in time order, last item = test target, the one before it =
 * validation target, the rest trains. All items are candidates. Not random: the seed only
 * fixes the tie order.
 */
export function looSplit(data: Dataset): LooSplit {
  const n = data.itemIds.length;
  const train: number[][] = [];
  const validation: HeldOut = { users: [], inputs: [], targets: [] };
  const test: HeldOut = { users: [], inputs: [], targets: [] };
  data.histories.forEach((h, u) => {
    const items = Array.from(h);
    if (items.length < LOO_MIN_ITEMS) {
      train.push(items);
      return;
    }
    const trainPart = items.slice(0, -2);
    train.push(trainPart);
    validation.users.push(u);
    validation.inputs.push(trainPart);
    validation.targets.push([items[items.length - 2] as number]);
    test.users.push(u);
    // The model is not refit with the validation item, but the shopper's history includes it.
    test.inputs.push(items.slice(0, -1));
    test.targets.push([items[items.length - 1] as number]);
  });
  return { columns: Array.from({ length: n }, (_, i) => i), items: data.items, train, validation, test };
}

export interface ColdItemsSplit {
  columns: number[];
  items: Item[];
  /** 1 for the cold items (by column). */
  cold: Uint8Array;
  /** Every user's warm items (users without any warm item are left out). */
  train: number[][];
  /** Users with ≥ 1 warm and ≥ 1 cold item: input = warm items, targets = cold items. */
  test: HeldOut;
}

/**
 * `cold-items`: shuffle items with the seed; max(1, int(0.2·n)) become cold. Training drops every
 * interaction with a cold item; models may still read every item's catalog text.
 */
export function coldItemsSplit(data: Dataset, seed: number): ColdItemsSplit {
  const n = data.itemIds.length;
  const order = permutation(n, rngFor(seed, 'cold-items'));
  const cold = new Uint8Array(n);
  const nCold = shareOf(n, COLD_ITEM_SHARE);
  for (let k = 0; k < nCold; k++) cold[order[k] as number] = 1;
  const train: number[][] = [];
  const test: HeldOut = { users: [], inputs: [], targets: [] };
  data.histories.forEach((h, u) => {
    const warm: number[] = [];
    const coldItems: number[] = [];
    for (const i of h) (cold[i] ? coldItems : warm).push(i);
    if (warm.length > 0) train.push(warm);
    if (warm.length > 0 && coldItems.length > 0) {
      test.users.push(u);
      test.inputs.push(warm);
      test.targets.push(coldItems);
    }
  });
  return { columns: Array.from({ length: n }, (_, i) => i), items: data.items, cold, train, test };
}

/** The items that occur in `rows`, in dataset order (`columns`), and each item's column (−1: none). */
export function columnsSeenIn(items: number, rows: Iterable<ArrayLike<number>>): { columns: number[]; columnOf: Int32Array } {
  const seen = new Uint8Array(items);
  for (const row of rows) for (let k = 0; k < row.length; k++) seen[row[k]!] = 1;
  const columns: number[] = [];
  const columnOf = new Int32Array(items).fill(-1);
  for (let i = 0; i < items; i++) {
    if (!seen[i]) continue;
    columnOf[i] = columns.length;
    columns.push(i);
  }
  return { columns, columnOf };
}
