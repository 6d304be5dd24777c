;; Imports (single or grouped)
(import_declaration) @import
