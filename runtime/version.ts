/** The runtime's version, reported by `/info` and `/version`. Kept in step with package.json. */
export const RUNTIME_VERSION = "0.1.0";
