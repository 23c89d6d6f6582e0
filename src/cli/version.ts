// Injected by tsup (`define`) from package.json, so `--version` reads no file.
declare const __TEMPORAL_DB_VERSION__: string | undefined;

export const VERSION: string = typeof __TEMPORAL_DB_VERSION__ === 'string' ? __TEMPORAL_DB_VERSION__ : 'development';
