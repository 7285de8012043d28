/** Injection tokens of the API module. */
export const DOSSIER = Symbol('DOSSIER');
export const API_SETTINGS = Symbol('API_SETTINGS');
