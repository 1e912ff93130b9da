// Entry of `localrec/widgets` (dist/widgets.js) and of the widgets' script tag
// (dist/localrec-widgets.iife.js, global `localrecWidgets`): loading it defines the elements.
import { defineWidgets } from './define';

defineWidgets();

export * from './index';
