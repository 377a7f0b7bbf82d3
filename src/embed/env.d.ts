/** Build settings the embedded chat reads (see docs/embedding.md). */
interface ImportMetaEnv {
  /** Exact origins that may embed the widget, comma-separated; empty or `*` for any site. */
  readonly VITE_EMBED_ALLOWED_ORIGINS?: string;
}
