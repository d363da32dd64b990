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
  /** Replaces the secret and rights of an existing client (configured credentials at start-up). */
  upsert(client: ApiClient): Promise<void>;
}
