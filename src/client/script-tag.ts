// Entry of the script-tag bundle (localrec.iife.js): exposes `window.localrec`.
import { setScriptBase } from './start-worker';

// document.currentScript is only set while this script first runs: remember where we came from,
// so the worker is found next to this file without configuration.
const current = typeof document !== 'undefined' ? document.currentScript : null;
setScriptBase(current instanceof HTMLScriptElement && current.src ? current.src : undefined);

export { createRecommender } from './create-recommender';
export { LocalrecError, ERROR_CODES, isLocalrecError } from '../shared/errors';
