export interface ApiClient {
  id: string;
  name: string;
  secretHash: string;
  authorities: string[];
  scopes: string[];
  created: Date;
  revokedAt: Date | null;
}

export interface ApiClientRepository {
  insert(client: ApiClient): Promise<void>;
  findById(id: string): Promise<ApiClient | undefined>;
  list(): Promise<ApiClient[]>;
  revoke(id: string, at: Date): Promise<boolean>;
  /**
   * Inserts, or replaces the name, secret and rights of an existing client (configured credentials
   * at start-up); never its creation time or revocation: a revoked client stays revoked.
   */
  upsert(client: ApiClient): Promise<void>;
}
