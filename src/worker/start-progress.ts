import type { ProgressEvent, ProgressStage } from '../shared/types';

export type ProgressListener = (event: ProgressEvent) => void;

/** Share of the start-up each stage takes, for `overall` (which must only go up). */
const STAGES: readonly [ProgressStage, number][] = [
  ['catalog', 0.3],
  ['backend', 0.3],
  ['features', 0.2],
  ['model-download', 0.07],
  ['model', 0.03],
  ['history', 0.1],
];

/** Reports start-up progress: `loaded` of `total` within a stage, and `overall` over all of them. */
export function startProgress(listener: ProgressListener | undefined): (stage: ProgressStage, loaded: number, total: number) => void {
  let done = 0;
  return (stage, loaded, total) => {
    if (!listener) return;
    let offset = 0;
    let share = 0;
    for (const [name, weight] of STAGES) {
      if (name === stage) {
        share = weight;
        break;
      }
      offset += weight;
    }
    const overall = stage === 'ready' ? 1 : Math.min(1, offset + (share * loaded) / Math.max(total, 1));
    done = Math.max(done, overall);
    listener({ stage, loaded, total, overall: done });
  };
}
