import type { FineTuneReport, ProgressEvent } from '../shared/types';
import type { CollaborativeModel } from '../models/collaborative-model';
import { DEFAULT_FINE_TUNE } from '../models/vae/fine-tune';
import { VAE_PARAM_NAMES, type VaeWeights } from '../models/vae/vae-network';
import type { BehaviourStore } from '../store/behaviour-store';

/** The IndexedDB checkpoint of the shopper's fine-tuned VAE: behaviour-derived, so it never leaves the device. */
export const PERSONAL_CHECKPOINT = 'personal:vae';
export const PERSONAL_FORMAT = 'localrec-personal-vae@1';
const PERSONAL_SUFFIX = ' + fine-tuned on this device';

interface PersonalCheckpoint {
  format: typeof PERSONAL_FORMAT;
  /** The model it was fine-tuned from: a checkpoint for another model is stale. */
  baseVersion: string;
  items: number;
  hidden: number;
  latent: number;
  historyItems: number;
  /** Only the weights fine-tuning moved (the encoder by default). */
  weights: Partial<VaeWeights>;
}

export interface PersonalModelState {
  savedAt: number;
  historyItems: number;
}

/**
 * The shopper's personal model from its checkpoint, if there is one for this very model. A
 * checkpoint of another format, model or shape is deleted (the next fineTune() rebuilds it) and
 * the reason returned; it is never applied.
 */
export async function restorePersonalModel(
  store: BehaviourStore,
  collaborative: CollaborativeModel,
): Promise<{ model: CollaborativeModel | null; state: PersonalModelState | null; rejected: string | null }> {
  const record = await store.getCheckpoint(PERSONAL_CHECKPOINT).catch(() => undefined);
  if (!record) return { model: null, state: null, rejected: null };
  const data = record.data as Partial<PersonalCheckpoint> | null;
  const arch = collaborative.architecture;
  const weights = data?.weights;
  const why =
    data?.format !== PERSONAL_FORMAT
      ? `unknown format ${JSON.stringify(data?.format ?? null)}`
      : data.baseVersion !== collaborative.version
        ? `made for another model (${String(data.baseVersion)})`
        : data.items !== arch.items || data.hidden !== arch.hidden || data.latent !== arch.latent
          ? 'the network shape differs'
          : !weights || Object.entries(weights).some(([name, w]) => !(VAE_PARAM_NAMES as readonly string[]).includes(name) || !(w instanceof Float32Array))
            ? 'malformed weights'
            : null;
  if (why !== null) {
    await store.deleteCheckpoint(PERSONAL_CHECKPOINT).catch(() => undefined);
    return { model: null, state: null, rejected: `The personal model checkpoint was discarded: ${why}.` };
  }
  const base = await collaborative.trainedWeights();
  for (const [name, w] of Object.entries(weights!)) {
    if (w.length !== base[name as keyof VaeWeights].length) {
      await store.deleteCheckpoint(PERSONAL_CHECKPOINT).catch(() => undefined);
      return { model: null, state: null, rejected: `The personal model checkpoint was discarded: ${name} has the wrong size.` };
    }
  }
  const model = collaborative.withWeights({ ...base, ...weights }, collaborative.version + PERSONAL_SUFFIX);
  return { model, state: { savedAt: record.savedAt, historyItems: data!.historyItems ?? 0 }, rejected: null };
}

/**
 * Fine-tunes the collaborative model on the shopper's own weighted history, here on the device,
 * one optimizer step at a time (yielding between steps so recommend() keeps answering), and saves
 * the moved weights as a checkpoint so the next visit starts personal.
 */
export async function fineTuneOnDevice(
  collaborative: CollaborativeModel,
  history: ReadonlyMap<number, number>,
  store: BehaviourStore,
  options: { steps: number; backend: FineTuneReport['backend'] },
  onProgress?: (event: ProgressEvent) => void,
): Promise<{ model: CollaborativeModel; report: FineTuneReport; state: PersonalModelState }> {
  const started = performance.now();
  const known = new Map([...history].filter(([row]) => collaborative.knows(row)));
  const { model, result } = await collaborative.fineTuned(known, { steps: options.steps }, async (step, loss) => {
    onProgress?.({ stage: 'fine-tune', loaded: step, total: options.steps, overall: step / options.steps, loss, backend: options.backend });
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  const moved = Object.fromEntries(
    VAE_PARAM_NAMES.filter((name) => DEFAULT_FINE_TUNE.part === 'all' || name.startsWith('enc/')).map((name) => [name, result.weights[name]]),
  ) as Partial<VaeWeights>;
  const arch = collaborative.architecture;
  const checkpoint: PersonalCheckpoint = {
    format: PERSONAL_FORMAT,
    baseVersion: collaborative.version,
    items: arch.items,
    hidden: arch.hidden,
    latent: arch.latent,
    historyItems: known.size,
    weights: moved,
  };
  const savedAt = Date.now();
  // Best effort: without room, the personal model still serves this visit.
  const saved = await store.putCheckpoint({ name: PERSONAL_CHECKPOINT, savedAt, data: checkpoint }).then(
    () => true,
    () => false,
  );
  return {
    model,
    state: { savedAt, historyItems: known.size },
    report: {
      steps: result.steps,
      examples: result.examples,
      historyItems: known.size,
      firstLoss: result.firstLoss,
      lastLoss: result.lastLoss,
      seconds: (performance.now() - started) / 1000,
      backend: options.backend,
      saved,
    },
  };
}
