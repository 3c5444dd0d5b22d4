// Imported first by tests that need Ink's chalk to emit colour although stdout is no terminal: chalk
// decides its level when it is loaded.
process.env.FORCE_COLOR = '1';
