"""Model layer: backends behind one small Protocol, GGUF checks, presets and fetching."""
