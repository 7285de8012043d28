/** Why a file was refused: Dossier opens only its own SQLite files, and never alters one it refuses. */
export type RefusalReason = 'not-sqlite' | 'foreign-database' | 'newer-schema';

export class DossierDatabaseRefused extends Error {
  override readonly name = 'DossierDatabaseRefused';
  constructor(
    readonly path: string,
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}
