import type { Item } from '../src/shared/types';
import type { Dataset } from './dataset';
import { columnsSeenIn, shareOf, HELDOUT_SHARE, type HeldOut } from './splits';

/**
 * `sessions` — next-click prediction on anonymous visits (shared/EVALUATION.md: "the last click of
 * each session as target, HR@20 and MRR@20"). EVALUATION.md says no more, so the split is fixed
 * here, after the session-based literature (Hidasi et al. 2016 "GRU4Rec"; Jannach & Ludewig 2017
 * "When recurrent neural networks meet the neighborhood"; Ludewig & Jannach 2018 "Evaluation of
 * session-based recommendation algorithms"; the repeat handling of Moreira et al. 2021
 * "Transformers4Rec"):
 *
 * 1. Sessions. `user_id` is the session id. A session's clicks are ordered by timestamp (ties: file
 *    order). Consecutive clicks on the same item are collapsed into one (a a b c c a → a b c a: a
 *    reload or double click is not a next click); interleaved repeats are kept (shoppers do go back
 *    to an item they looked at — Lerche et al. 2016, "On the value of reminders"). Sessions with
 *    fewer than 2 clicks after collapsing (equivalently: fewer than 2 distinct items) take no part.
 *    No minimum item support is imposed (the shared sets are already samples; items unseen in
 *    training are handled in 5).
 * 2. Order. Sessions are ordered by the file position of their last row. The shared layout is
 *    sorted by time, so with absolute timestamps (YooChoose) this is the order of the sessions'
 *    last clicks, equal times in file order. The Diginetica sample's timestamps are time *within*
 *    the session (ms since its start) and cannot order sessions; its file lists the sessions in
 *    the source's session-id order, the only global order it has.
 * 3. Split. n eligible sessions, h = max(1, int(0.1·n)): the last h are test sessions, the h before
 *    them validation sessions, the rest training sessions. Not random: the seed only fixes the tie
 *    order of the ranking. Models are not refit with the validation sessions.
 * 4. Training matrix. Columns: the items clicked in training sessions (dataset order). One row per
 *    training session, rows oldest → newest (order of 2), so a row's index is its recency (sknn
 *    samples recent sessions by it). A row lists the session's distinct items ordered by their
 *    last click (the row's last index is the session's last click); values are 1.
 * 5. Held-out sessions (validation and test alike). Target = the last click. A session whose target
 *    is not a training item is skipped and counted (`*_skipped_target`). Input = every earlier
 *    click, items not in training dropped, passed as a CSR row like the training rows: distinct
 *    items ordered by last click (the last index is the last click before the target), values 1.
 *    Order reaches models only through that index order; values stay binary so models trained on
 *    binary rows (itemknn, ease, vae) read the same kind of row they learned from. A session with
 *    no input left is skipped and counted (`*_skipped_input`). `validation_sessions` and
 *    `test_sessions` in the report count the sessions evaluated, after skipping.
 * 6. Ranking. Every training item is a candidate, the session's own input items included: nothing
 *    is masked, because clicking an item again is a real next click (it is the target in about one
 *    test session in seven on YooChoose; `test_target_in_input` counts them). Ties: the fixed
 *    seeded item order. HR@20 = share of sessions whose target is in the top 20; MRR@20 = mean over
 *    sessions of 1/rank of the target when rank ≤ 20, else 0.
 */

/** Each held-out share (validation, test) of the eligible sessions. */
export const SESSIONS_HELDOUT_SHARE = HELDOUT_SHARE;
/** Sessions with fewer clicks after collapsing consecutive repeats take no part. */
export const SESSIONS_MIN_CLICKS = 2;

/** Held-out sessions of one part, after skipping, plus what was skipped. */
export interface SessionsHeldOut extends HeldOut {
  /** Sessions of this part before skipping (dataset user indices, oldest first). */
  sessions: number[];
  /** Sessions skipped because the target is not a training item. */
  skippedTarget: number;
  /** Sessions skipped because no input click is left after dropping non-training items. */
  skippedInput: number;
  /** Evaluated sessions whose target is one of their input items (a repeat click). */
  targetInInput: number;
}

export interface SessionsSplit {
  /** columns[c] = dataset item index of column c. */
  columns: number[];
  items: Item[];
  /** Training sessions (dataset user indices), oldest first; train[r] is row r. */
  trainSessions: number[];
  train: number[][];
  validation: SessionsHeldOut;
  test: SessionsHeldOut;
  /** Sessions with ≥ 2 clicks after collapsing consecutive repeats. */
  eligibleSessions: number;
}

/** The sequence with runs of the same item collapsed into one click (a a b c c a → a b c a). */
export function collapseRepeats(clicks: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let k = 0; k < clicks.length; k++) {
    const item = clicks[k] as number;
    if (out.length === 0 || out[out.length - 1] !== item) out.push(item);
  }
  return out;
}

/** Distinct items ordered by their last click (b a b c → a b c): a session's CSR row. */
export function distinctByLastClick(clicks: readonly number[]): number[] {
  const lastAt = new Map<number, number>();
  clicks.forEach((item, k) => lastAt.set(item, k));
  return [...lastAt.entries()].sort((x, y) => x[1] - y[1]).map(([item]) => item);
}

/**
 * The `sessions` split of a dataset whose users are sessions (see the comment at the top).
 * @throws Error when fewer than 3 sessions are eligible.
 */
export function sessionsSplit(data: Dataset): SessionsSplit {
  const collapsed = data.sequences.map(collapseRepeats);
  const eligible: number[] = [];
  collapsed.forEach((clicks, s) => {
    if (clicks.length >= SESSIONS_MIN_CLICKS) eligible.push(s);
  });
  if (eligible.length < 3) throw new Error(`sessions needs ≥ 3 sessions with ≥ ${SESSIONS_MIN_CLICKS} clicks; ${data.name} has ${eligible.length}`);
  eligible.sort((a, b) => (data.lastRows[a] as number) - (data.lastRows[b] as number));
  const h = shareOf(eligible.length, SESSIONS_HELDOUT_SHARE);
  const nTrain = eligible.length - 2 * h;
  const trainSessions = eligible.slice(0, nTrain);

  // Columns: items clicked in training sessions, in dataset order.
  const { columns, columnOf } = columnsSeenIn(data.itemIds.length, trainSessions.map((s) => collapsed[s] as number[]));

  const toColumns = (clicks: readonly number[]): number[] => clicks.map((i) => columnOf[i] as number);
  const train = trainSessions.map((s) => distinctByLastClick(toColumns(collapsed[s] as number[])));

  const holdOut = (sessions: number[]): SessionsHeldOut => {
    const part: SessionsHeldOut = { sessions, users: [], inputs: [], targets: [], skippedTarget: 0, skippedInput: 0, targetInInput: 0 };
    for (const s of sessions) {
      const clicks = collapsed[s] as number[];
      const target = columnOf[clicks[clicks.length - 1] as number] as number;
      if (target < 0) {
        part.skippedTarget++;
        continue;
      }
      const known = clicks.slice(0, -1).filter((i) => (columnOf[i] as number) >= 0);
      const input = distinctByLastClick(toColumns(known));
      if (input.length === 0) {
        part.skippedInput++;
        continue;
      }
      if (input.includes(target)) part.targetInInput++;
      part.users.push(s);
      part.inputs.push(input);
      part.targets.push([target]);
    }
    return part;
  };
  return {
    columns,
    items: columns.map((i) => data.items[i] as Item),
    trainSessions,
    train,
    validation: holdOut(eligible.slice(nTrain, nTrain + h)),
    test: holdOut(eligible.slice(nTrain + h)),
    eligibleSessions: eligible.length,
  };
}

/** The split's counts, as reported in each JSON line's `settings.eval`. */
export function sessionsFacts(split: SessionsSplit): Record<string, number> {
  return {
    items: split.columns.length,
    eligible_sessions: split.eligibleSessions,
    train_sessions: split.trainSessions.length,
    validation_sessions: split.validation.users.length,
    test_sessions: split.test.users.length,
    test_skipped_target: split.test.skippedTarget,
    test_skipped_input: split.test.skippedInput,
    test_target_in_input: split.test.targetInInput,
  };
}
