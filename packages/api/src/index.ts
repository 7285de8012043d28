export * from './compose';
export * from './settings';
export * from './clock';
export { createApp, DOCS_PATH, OPENAPI_PATH } from './app/create-app';
export { ApiModule } from './app/api.module';
export { signToken, tokenVerifier, DEVELOPMENT_JWT_SECRET } from './identity/jwt';
export type { IdentitySettings, TokenClaims } from './identity/jwt';
export { SchemaRegistry } from './openapi/json-schema';
export { loadDemoData } from './demo/demo-data';
export type { DemoOptions, DemoSummary } from './demo/demo-data';
// for packages/cli (the `dossier` command): integrity, the digest key and the API's own read model
export { IntegrityService } from './integrity/integrity.service';
export { loadSigningKey } from './integrity/signing-key';
export type { SigningKey } from './integrity/signing-key';
export { entityIndex } from './read-models/entity-index';
