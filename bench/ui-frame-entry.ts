/**
 * What bench/ui-frame.ts renders, bundled the way scripts/bundle.mjs bundles the dashboard (Ink, React
 * and our UI in one file, with or without our Ink patches), so the benchmark measures what ships.
 */

export { render } from 'ink';
export { createElement } from 'react';
export { App } from '../src/ui/App.js';
export { ScreenWriter } from '../src/ui/screen.js';
export { ThemeContext } from '../src/ui/theme.js';
export { initialViewState } from '../src/ui/viewState.js';
export { parseServices } from '../src/model/services.js';
