;; Imports and the package declaration
(import_declaration) @import

(package_declaration) @import
