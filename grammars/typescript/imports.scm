; inherits: javascript
;; TypeScript imports are JavaScript's (`import x = require("x")` parses as an import_statement).
