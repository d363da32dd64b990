/** Named transforms (`/v3/transforms`), the targets of `reference`. */
export interface StoredTransform {
  id: string;
  name: string;
  type: string;
  attributes: Record<string, unknown> | null;
  internal: boolean;
}

export interface TransformRepository {
  findByName(name: string): Promise<StoredTransform | undefined>;
  all(): Promise<StoredTransform[]>;
}
