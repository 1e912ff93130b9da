import { fileURLToPath } from 'node:url';
import { readInteractionData, type InteractionData } from '../../../tools/io/interactions-node';
import { csrFromRows, type Csr } from '../../../src/util/csr';

/** The office slice (test/fixtures/office-slice: 200 items, 600 shoppers) as a user × item matrix. */
export function officeSlice(): { data: InteractionData; matrix: Csr; dir: string } {
  const dir = fileURLToPath(new URL('../../fixtures/office-slice', import.meta.url));
  const data = readInteractionData(dir);
  return { data, matrix: csrFromRows(data.rows, data.itemIds.length), dir };
}

/** A small held-out split of the slice: the last `n` users, 80% of their items as input. */
export function sliceSplit(n = 100): { train: Csr; validation: { inputs: Csr; targets: number[][] }; items: number } {
  const { data } = officeSlice();
  const items = data.itemIds.length;
  const trainRows = data.rows.slice(0, data.rows.length - n);
  const held = data.rows.slice(data.rows.length - n);
  const inputs = held.map((r) => r.slice(0, Math.max(1, r.length - Math.max(1, Math.floor(0.2 * r.length)))));
  const targets = held.map((r, u) => r.slice(inputs[u]!.length));
  return { train: csrFromRows(trainRows, items), validation: { inputs: csrFromRows(inputs, items), targets }, items };
}
