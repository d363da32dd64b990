/**
 * What differs between API versions for identity profiles, as data (spec §4, product decision 5, 10).
 * The HTTP layer picks the policy of the version a request came in on.
 */
export interface VersionPolicy {
  /** beta defaults `hasTimeBasedAttr` and `identityAttributeConfig.enabled` to true; the others to false. */
  hasTimeBasedAttrDefault: boolean;
  attributeConfigEnabledDefault: boolean;
  /** v3 and beta accept only these transform types at the top of a preview mapping; undefined = any. */
  previewTopLevelTypes?: readonly string[];
}
